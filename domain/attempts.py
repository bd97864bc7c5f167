"""A sliding window of failed attempts per key (e.g. wrong invite codes per sender): after `limit`
failures inside `window`, the key waits until the oldest of them leaves the window. The failures
themselves are kept by the caller (the database's `failed_attempts`, shared by every process)."""

from __future__ import annotations

import datetime as dt


def recent_failures(failures: list[dt.datetime], now: dt.datetime, limit: int, window: dt.timedelta) -> list[dt.datetime]:
    """The failures that still count at `now` (inside the window; the last `limit` are enough)."""
    return sorted(at for at in failures if now - at < window)[-limit:]


def failure_wait(failures: list[dt.datetime], now: dt.datetime, limit: int, window: dt.timedelta) -> dt.timedelta:
    """How long the key of `failures` must wait before its next attempt (zero: it may try now)."""
    recent = recent_failures(failures, now, limit, window)
    if len(recent) < limit:
        return dt.timedelta(0)
    return recent[0] + window - now
