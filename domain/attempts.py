"""A sliding window of failed attempts per key (e.g. wrong invite codes per sender): after `limit`
failures inside `window`, the key waits until the oldest of them leaves the window."""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Hashable


class FailureWindow:
    def __init__(self, limit: int = 5, window: dt.timedelta = dt.timedelta(minutes=1), max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._failures: dict[Hashable, collections.deque[dt.datetime]] = {}

    def wait(self, key: Hashable, now: dt.datetime) -> dt.timedelta:
        """How long `key` must wait before its next attempt (zero: it may try now)."""
        failures = self._failures.get(key)
        if not failures:
            return dt.timedelta(0)
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return dt.timedelta(0)
        if len(failures) < self.limit:
            return dt.timedelta(0)
        return failures[0] + self.window - now

    def failed(self, key: Hashable, now: dt.datetime) -> None:
        if key not in self._failures and len(self._failures) >= self.max_keys:
            self._failures.pop(next(iter(self._failures)))  # the oldest key: memory stays bounded
        self._failures.setdefault(key, collections.deque(maxlen=self.limit)).append(now)
