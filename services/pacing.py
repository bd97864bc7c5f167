"""Pacing of everything a bot sends — replies, reminders, broadcasts — per chat and per bot.

Telegram allows a bot about 30 messages a second overall and about one a second in one chat (20 a
minute in a group); past that it answers 429 with a `retry_after`. One `Pacer` per channel is shared by
every sender of the process (the channel's rate limiter calls `acquire(chat)` before each request):

- per chat: one send per `chat_interval` seconds (`group_interval` for groups), counted from when the
  previous send was answered (`turn`), and a 429
  for one chat (`pause(chat, seconds)`) moves only that chat's grid — other chats go on;
- per bot: a grid of `rate` sends a second. With one process it lives in memory (`LocalBudget`);
  with several processes on one PostgreSQL every send reserves its slot in the `pacing_slots` row
  of the bot (`SharedBudget`: one UPDATE … RETURNING per send), so N processes together keep to
  the bot's limit without dividing anything by hand.

With a `SharedBudget` the per-chat grids are in `pacing_slots` too (rows `<bot>:chat:<id>`): a send
reserves its chat's turn and, when that turn is now, the bot's slot in the same transaction (one
commit, no fsync); a 429's pause moves the chat's row, so every process waits. Rows of chats quiet
for an hour are deleted every `forget_every` reservations. With a `LocalBudget` (SQLite, one process)
everything stays in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

BOT_RATE = 25.0  # sends a second per bot: under Telegram's 30, with room for clock jitter
CHAT_INTERVAL = 1.0  # seconds between two sends to one private chat
GROUP_INTERVAL = 3.0  # 20 a minute in a group
# Sends to one chat that may go at once before the interval applies: none. Telegram counts one a second
# per chat, and a two-part answer or a notice followed by an answer sent together earned 429s.
CHAT_BURST = 1


class Budget(Protocol):
    async def slot(self) -> float:
        """Reserve the next send: the `time.time()` at which it may go."""
        ...


class LocalBudget:
    """The per-bot grid in memory (one process)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.time) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self._next = 0.0

    async def slot(self) -> float:
        at = max(self.clock(), self._next)
        self._next = at + self.interval
        return at


class SharedBudget:
    """The per-bot grid in the database, shared by every process (PostgreSQL). With it the per-chat
    grids live in the database too (rows `<name>:chat:<id>`), so that two processes answering one chat
    keep to that chat's limit together."""

    forget_every = 500  # reservations of this process between two clean-ups of quiet chats' rows
    forget_after = 3600.0  # seconds after its last turn a chat's row is deleted

    def __init__(self, uow: UnitOfWorkFactory, name: str, rate: float, clock: Callable[[], float] = time.time) -> None:
        self.uow = uow
        self.name = name
        self.interval = 1.0 / rate
        self.clock = clock
        self._reserved = 0

    async def slot(self) -> float:
        async with self.uow(bookkeeping=True) as uow:
            at = await uow.pacing.reserve(self.name, self.clock(), self.interval)
            await uow.commit()
        return at

    def chat_row(self, chat: str) -> str:
        name = f"{self.name}:chat:{chat}"
        if len(name) > 64:  # the column's width: a long chat id is digested
            name = f"{self.name}:chat:#" + hashlib.sha256(chat.encode()).hexdigest()[:64 - len(self.name) - 7]
        return name

    async def chat_slot(self, chat: str, interval: float, burst: int) -> tuple[float, bool]:
        """Reserve a send to `chat` (one transaction, one commit): when it may go, and whether the
        bot's slot is reserved with it (else the caller reserves it with `slot()` when the chat's turn comes)."""
        async with self.uow(bookkeeping=True) as uow:
            reserved = await uow.pacing.reserve_send(
                self.name, self.interval, self.chat_row(chat), interval, burst, self.clock()
            )
            await uow.commit()
        self._reserved += 1
        if self._reserved % self.forget_every == 0:
            await self.forget_quiet_chats()
        return reserved

    async def pause_chat(self, chat: str, until: float) -> None:
        """No send to `chat` from any process before `until` (a 429's retry_after)."""
        async with self.uow(bookkeeping=True) as uow:
            await uow.pacing.push_back(self.chat_row(chat), until)
            await uow.commit()

    async def forget_quiet_chats(self) -> int:
        """Delete the rows of chats whose next turn is long past (their grid starts afresh anyway)."""
        async with self.uow(bookkeeping=True) as uow:
            forgotten = await uow.pacing.forget(f"{self.name}:chat:", self.clock() - self.forget_after)
            await uow.commit()
        return forgotten


class Pacer:
    def __init__(
        self, budget: Budget, *, chat_interval: float = CHAT_INTERVAL, group_interval: float = GROUP_INTERVAL,
        chat_burst: int = CHAT_BURST, clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.budget = budget
        self.chat_burst = max(1, chat_burst)
        self.chat_interval = chat_interval
        self.group_interval = group_interval
        self.clock = clock
        self.sleep = sleep
        self._chats: dict[str, float] = {}  # chat → earliest next send
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, chat: str | int | None, *, group: bool = False) -> None:
        """Wait until one more message may go to `chat` (None: only the per-bot budget)."""
        async with self.turn(chat, group=group):
            pass

    @contextlib.asynccontextmanager
    async def turn(self, chat: str | int | None, *, group: bool = False) -> AsyncIterator[None]:
        """`async with pacer.turn(chat): <send>` — wait for the chat's turn, send, and count the chat's
        next turn from when the send was answered. Counting from the answer rather than from the turn
        keeps a chat's messages an interval apart *as the messenger receives them* however late the
        event loop sent each one (grid-spaced turns reached Telegram 0.9 s apart under load: 429)."""
        if chat is None:
            await self._wait_until(await self.budget.slot())
            yield
            return
        key = str(chat)
        lock = self._locks.setdefault(key, asyncio.Lock())
        interval = self.group_interval if group else self.chat_interval
        async with lock:  # one chat's sends leave this process in order, one at a time
            if isinstance(self.budget, SharedBudget):  # several processes: the chat's grid is in the database
                await self._wait_until(self._chats.get(key, 0.0) - (self.chat_burst - 1) * interval)  # own pauses
                at, with_bot = await self.budget.chat_slot(key, interval, self.chat_burst)
                await self._wait_until(at)
                if not with_bot:
                    await self._wait_until(await self.budget.slot())
                yield
            else:
                # GCRA: `_chats[key]` is the chat's theoretical arrival time; up to `chat_burst` sends may
                # run ahead of it, then one per interval.
                tat = self._chats.get(key, 0.0)
                await self._wait_until(tat - (self.chat_burst - 1) * interval)
                await self._wait_until(await self.budget.slot())
                try:
                    yield
                finally:
                    self._chats[key] = max(tat, self.clock() - (self.chat_burst - 1) * interval) + interval
        self._forget_old()

    async def pause(self, chat: str | int, seconds: float, *, group: bool = False) -> None:
        """The messenger asked this chat to wait (429 retry_after): only this chat waits — in every
        process, when the grids are shared (this process keeps the pause in memory too, so that it is
        not lost if the database cannot be reached)."""
        key = str(chat)
        burst = (self.chat_burst - 1) * (self.group_interval if group else self.chat_interval)
        until = self.clock() + seconds + burst
        self._chats[key] = max(self._chats.get(key, 0.0), until)
        if isinstance(self.budget, SharedBudget):
            try:
                await self.budget.pause_chat(key, until)
            except Exception:  # the database is away: this process still keeps the pause (below)
                log.exception("could not share the pause of chat %s", key)

    async def _wait_until(self, at: float) -> None:
        delay = at - self.clock()
        if delay > 0:
            await self.sleep(delay)

    def _forget_old(self) -> None:
        if len(self._chats) > 10_000:  # chats whose grid is in the past need no memory
            now = self.clock()
            for key in [k for k, at in self._chats.items() if at <= now]:
                lock = self._locks.get(key)
                if lock is None or not lock.locked():
                    self._chats.pop(key, None)
                    self._locks.pop(key, None)
