"""Webhook mode: a small asyncio HTTP server that receives Zalo's POSTs.

Why not a framework: the endpoint is one POST route behind the department's reverse proxy (which
terminates TLS), and python-telegram-bot's tornado server is tied to PTB's own update types. h11 (already
installed with httpx) parses HTTP correctly — chunked bodies, malformed requests — without adding a
web framework to the deployment.

Security: Zalo sends the secret given to setWebhook in `X-Bot-Api-Secret-Token`. It is compared in
constant time, and a request without the right secret gets 403 before its body is even read; nothing
reaches the engine. Bodies are capped (1 MB) and slow clients time out. Every accepted update is
answered 200 at once and handled in the background, so Zalo never retries because we were slow;
a redelivery that still happens is dropped by the router's idempotency check.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from urllib.parse import urlsplit

import h11

from .channel import ZaloChannel

log = logging.getLogger(__name__)

SECRET_HEADER = b"x-bot-api-secret-token"
MAX_BODY = 1024 * 1024
READ_TIMEOUT = 30.0


class WebhookServer:
    def __init__(
        self, channel: ZaloChannel, *, secret: str, path: str = "/", host: str = "127.0.0.1", port: int = 8444
    ) -> None:
        self.channel = channel
        self.secret = secret.encode()
        self.path = path or "/"
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        """Listen; returns the bound port (useful with port 0 in tests)."""
        self._server = await asyncio.start_server(self._connection, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("Zalo webhook listening on %s:%s%s", self.host, self.port, self.path)
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)
            self._server = None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        try:
            status, body = await self._exchange(conn, reader)
        except (h11.RemoteProtocolError, ValueError):
            status, body = 400, {"ok": False, "description": "bad request"}
        except (TimeoutError, ConnectionError):
            writer.close()
            return
        try:
            payload = json.dumps(body).encode()
            headers = [("content-type", "application/json"), ("content-length", str(len(payload))),
                       ("connection", "close")]
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                writer.write(conn.send(h11.Response(status_code=status, headers=headers)))
                writer.write(conn.send(h11.Data(data=payload)))
                writer.write(conn.send(h11.EndOfMessage()))
                await writer.drain()
        except (h11.LocalProtocolError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _exchange(self, conn: h11.Connection, reader: asyncio.StreamReader) -> tuple[int, dict]:
        request = await self._next(conn, reader)
        if isinstance(request, h11.ConnectionClosed):
            raise ConnectionError("closed before a request")
        if not isinstance(request, h11.Request):
            raise ValueError("no request")
        if urlsplit(request.target.decode("latin-1")).path != self.path:
            return 404, {"ok": False, "description": "not found"}
        if request.method != b"POST":
            return 405, {"ok": False, "description": "method not allowed"}
        given = dict(request.headers).get(SECRET_HEADER, b"")
        if not hmac.compare_digest(given, self.secret):
            log.warning("Zalo webhook: request with a wrong or missing secret refused")
            return 403, {"ok": False, "description": "forbidden"}
        body = bytearray()
        while True:
            event = await self._next(conn, reader)
            if isinstance(event, h11.Data):
                body += event.data
                if len(body) > MAX_BODY:
                    return 413, {"ok": False, "description": "too large"}
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                raise ValueError("connection closed mid-request")
        try:
            update = json.loads(body)
        except ValueError:
            return 400, {"ok": False, "description": "invalid JSON"}
        if not isinstance(update, dict):
            return 400, {"ok": False, "description": "not an update"}
        self.channel.submit(update)
        return 200, {"ok": True}

    @staticmethod
    async def _next(conn: h11.Connection, reader: asyncio.StreamReader):
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await asyncio.wait_for(reader.read(65536), READ_TIMEOUT)
            conn.receive_data(data)


def webhook_path(url: str) -> str:
    """The path Zalo will POST to, taken from the public URL (the proxy forwards it unchanged)."""
    return urlsplit(url).path or "/"
