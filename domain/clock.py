"""The bot's clock. Everything that asks "what day is it" goes through one of these, so tests and
demos can pin time (CCHC_TODAY) without monkey-patching."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, tz: ZoneInfo, pinned_today: dt.date | None = None) -> None:
        self.tz = tz
        self.pinned_today = pinned_today

    def now(self) -> dt.datetime:
        now = dt.datetime.now(self.tz)
        if self.pinned_today is not None:
            return now.replace(year=self.pinned_today.year, month=self.pinned_today.month, day=self.pinned_today.day)
        return now

    def today(self) -> dt.date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still until moved — for tests, benchmarks and dry runs."""

    def __init__(self, at: dt.datetime, tz: ZoneInfo | None = None) -> None:
        tz = tz or (at.tzinfo if isinstance(at.tzinfo, ZoneInfo) else ZoneInfo("Asia/Ho_Chi_Minh"))
        super().__init__(tz)
        self._at = at if at.tzinfo else at.replace(tzinfo=tz)

    def now(self) -> dt.datetime:
        return self._at.astimezone(self.tz)

    def set(self, at: dt.datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=self.tz)

    def advance(self, delta: dt.timedelta) -> None:
        self._at += delta
