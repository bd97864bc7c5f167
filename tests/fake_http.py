"""The HTTP server under the test fakes (Telegram Bot API, Zalo Bot API): uvicorn inside the test's own
event loop, on a free port of 127.0.0.1.

Two things differ from a plain `uvicorn.Server`; both are about speed, neither changes what a client sees:
- The listening socket is made with `proto=IPPROTO_TCP`. asyncio switches Nagle's algorithm off only on
  sockets whose protocol says TCP; a bare `socket.socket()` says 0, so every keep-alive request waited
  ~40 ms for the kernel's delayed ACK (44 ms per Bot API call instead of 1.5 ms).
- Stopping does not poll. uvicorn looks at `should_exit` every 0.1 s and sleeps another 0.1 s in its
  shutdown; here `stop()` wakes the main loop at once, lets requests in flight finish for `grace` seconds
  (the fakes answer their pending long polls as soon as they are told they are closing) and cancels the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

import uvicorn


class LocalServer:
    """`await start()` returns the port (the socket listens before it returns, so clients may connect at
    once: the kernel queues them until uvicorn accepts); `await stop()` ends it."""

    def __init__(self, app: Any, *, grace: float = 2.0, **config: Any) -> None:
        self._config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", **config)
        self._grace = grace
        self._server: _InLoopServer | None = None
        self._serving: asyncio.Task | None = None
        self.port = 0

    async def start(self) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        sock.listen(2048)  # bursts of clients must queue, not be refused
        self.port = sock.getsockname()[1]
        self._server = _InLoopServer(self._config, grace=self._grace)
        self._serving = asyncio.create_task(self._server.serve(sockets=[sock]))
        return self.port

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.exit()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(self._serving, self._grace + 3)
        self._server = self._serving = None


class _InLoopServer(uvicorn.Server):
    """uvicorn without its signal handlers (the test process owns them) and without polling to stop."""

    def __init__(self, config: uvicorn.Config, *, grace: float) -> None:
        super().__init__(config)
        self._exit = asyncio.Event()
        self._grace = grace

    def exit(self) -> None:
        self.should_exit = True
        self._exit.set()

    @contextlib.contextmanager
    def capture_signals(self):
        yield

    async def main_loop(self) -> None:
        await self.on_tick(0)  # sets the default headers, as uvicorn's loop does on its first tick
        await self._exit.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()  # idle keep-alive connections close now, busy ones after their answer
        in_flight = list(self.server_state.tasks)
        if in_flight:
            _, pending = await asyncio.wait(in_flight, timeout=self._grace)
            for task in pending:
                task.cancel()
