"""Fair handling of stored updates: nobody starves because somebody else floods.

- Each chat has its own FIFO queue, and a chat is served by at most ONE worker at a time (so a chat's
  messages are handled in order, and one chat's backlog can never occupy more than one worker).
- Chats with work wait in one FIFO line: after each update a chat goes to the back of the line, so
  chats are served round-robin.
- A chat that sends faster than a sustained rate (after a burst) is served at that rate; the first
  time it is held back in a backlog, `on_throttled` is called once (the channel tells the sender «bạn
  gửi nhanh quá, tôi xử lý lần lượt»). While it waits it holds no worker. The rate is the one at which
  the messenger lets the bot answer that chat (one a second in a private chat, 20 a minute in a group,
  `is_group` tells them apart): a chat served faster only parks workers in the send pacing, and a
  person asking once a second is never taken for a flooder (a sustained 20 a minute for every chat
  held colleagues who asked once a second to one answer per 3 s, in lockstep with the flooder).
- `stop(grace)` lets the updates in hand finish for at most `grace` seconds, then cancels them; what is
  not finished stays in the database and is handled at the next start.

Plain asyncio; it knows nothing of messengers or of the database.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_RATE_PER_MINUTE = 60  # a private chat: Telegram lets a bot answer it about once a second
DEFAULT_GROUP_RATE_PER_MINUTE = 20  # a group: 20 messages a minute
DEFAULT_BURST = 10


class _Allowance:
    """A token bucket: `burst` at once, then `rate` per second."""

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = float(burst), now

    def wait(self, now: float) -> float:
        """Seconds until one token is there (0: take it now)."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class FairDispatcher:
    def __init__(
        self,
        handle: Callable[[Any], Awaitable[None]],
        *,
        workers: int = 8,
        rate_per_minute: float = DEFAULT_RATE_PER_MINUTE,
        group_rate_per_minute: float = DEFAULT_GROUP_RATE_PER_MINUTE,
        is_group: Callable[[Hashable], bool] = lambda _chat: False,
        burst: int = DEFAULT_BURST,
        on_throttled: Callable[[Hashable, Any], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.handle = handle
        self.workers = max(1, workers)
        self.rate = rate_per_minute / 60.0
        self.group_rate = group_rate_per_minute / 60.0
        self.is_group = is_group
        self.burst = max(1, burst)
        self.on_throttled = on_throttled
        self.clock = clock
        self._queues: dict[Hashable, collections.deque[Any]] = {}
        self._allowances: dict[Hashable, _Allowance] = {}
        self._noticed: set[Hashable] = set()
        self._line: asyncio.Queue[Hashable] = asyncio.Queue()
        self._scheduled: set[Hashable] = set()  # in the line, being served, or waiting for its rate
        self._timers: dict[Hashable, asyncio.TimerHandle] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._in_hand = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False

    # -- feeding ---------------------------------------------------------------------------------
    def submit(self, chat: Hashable, item: Any) -> None:
        if self._closing:
            return  # it is in the database; the next start handles it
        self._queues.setdefault(chat, collections.deque()).append(item)
        self._idle.clear()
        if chat not in self._scheduled:
            self._scheduled.add(chat)
            self._line.put_nowait(chat)

    @property
    def pending(self) -> int:
        return sum(len(q) for q in self._queues.values())

    async def join(self) -> None:
        """Wait until every submitted item is handled."""
        await self._idle.wait()

    # -- running ---------------------------------------------------------------------------------
    def start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._work(), name=f"inbox-worker-{i}") for i in range(self.workers)]

    async def stop(self, grace: float = 3.0) -> None:
        self._closing = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._queues.clear()  # not started: left in the database
        deadline = self.clock() + grace
        while self._in_hand and self.clock() < deadline:
            await asyncio.sleep(0.05)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []

    async def _work(self) -> None:
        while True:
            chat = await self._line.get()
            queue = self._queues.get(chat)
            if self._closing or not queue:
                self._scheduled.discard(chat)
                continue
            allowance = self._allowances.get(chat)
            now = self.clock()
            if allowance is None:
                rate = self.group_rate if self.is_group(chat) else self.rate
                allowance = self._allowances[chat] = _Allowance(rate, self.burst, now)
            wait = allowance.wait(now)
            if wait > 0:  # too fast: come back later, holding no worker meanwhile
                self._timers[chat] = asyncio.get_running_loop().call_later(wait, self._requeue, chat)
                if chat not in self._noticed and self.on_throttled is not None:
                    self._noticed.add(chat)
                    try:
                        await self.on_throttled(chat, queue[0])
                    except Exception:
                        log.exception("throttle notice to %s failed", chat)
                continue
            allowance.take()
            item = queue.popleft()
            self._in_hand += 1
            try:
                await self.handle(item)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("handling %r of chat %s failed", item, chat)
            finally:
                self._in_hand -= 1
            if queue:
                self._line.put_nowait(chat)  # to the back of the line: round-robin
            else:
                self._forget(chat)

    def _requeue(self, chat: Hashable) -> None:
        self._timers.pop(chat, None)
        if not self._closing:
            self._line.put_nowait(chat)

    def _forget(self, chat: Hashable) -> None:
        self._scheduled.discard(chat)
        self._queues.pop(chat, None)
        self._noticed.discard(chat)
        allowance = self._allowances.get(chat)
        if allowance is not None and allowance.wait(self.clock()) == 0 and allowance.tokens >= allowance.burst:
            del self._allowances[chat]  # full again: nothing to remember
        if not self._queues and not self._in_hand:
            self._idle.set()
