"""Waiting in tests without guessing durations: wait on the condition itself.

Prefer an event or a condition variable the code under test signals (`FakeTelegram.wait_for`,
`FakeZalo.wait_sent`, an `asyncio.Event` set by a recording sender). Where the condition can only be
observed from outside (a row in the database, a port that starts listening), `eventually` polls it
with a deadline: it returns as soon as the condition holds and fails with a clear message when it
never does. This module is the one place in tests/ where a poll pauses between looks (the other
`sleep` calls simulate time: a fake's latency, a claim held in flight, a handler that never ends).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], T | Awaitable[T]], *, timeout: float = 10.0, interval: float = 0.02, what: str = "condition"
) -> T:
    """Call `check` (sync or async) until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} did not hold within {timeout:g} s")
        await asyncio.sleep(interval)  # the pause between two looks at the condition


class VirtualTime:
    """A clock that moves only when the code under test sleeps on it: pacing arithmetic checked exactly,
    with no real waiting. Pass it as the clock and its `sleep` as the sleep."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


async def listening(host: str, port: int, *, timeout: float = 10.0) -> None:
    """Wait until something accepts TCP connections on (host, port)."""

    async def accepts() -> bool:
        try:
            _reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            return False
        writer.close()
        return True

    await eventually(accepts, timeout=timeout, what=f"a server listening on {host}:{port}")
