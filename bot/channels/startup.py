"""Starting a channel when its messenger cannot be reached yet.

The server may boot before its network, or the messenger's API may be down for a minute: the channel
then waits and tries again (2 s, doubling up to 60 s) instead of exiting, and a stop request ends the
wait at once. A refusal that retrying cannot fix (a wrong token) is the caller's to raise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)
FIRST_DELAY = 2.0  # seconds before the second attempt; doubled each time up to `max_delay`


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep `seconds` unless `stop` is set first; True when stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def until_reachable(
    attempt: Callable[[], Awaitable[T]], stop: asyncio.Event, *, transient: Callable[[Exception], bool],
    what: str, max_delay: float = 60.0,
) -> T | None:
    """`attempt()` until it succeeds (its result) or `stop` is set (None). Errors for which `transient`
    is false propagate at once."""
    delay = FIRST_DELAY
    while not stop.is_set():
        try:
            return await attempt()
        except Exception as exc:
            if not transient(exc):
                raise
            log.warning("%s unreachable at start (%s); retrying in %.0f s", what, exc, delay)
            if await wait_or_stop(stop, delay):
                return None
            delay = min(max_delay, delay * 2)
    return None
