"""Vietnamese working days.

working day = Monday–Friday, minus public holidays (the `holidays` package, which also knows the
Saturdays swapped into working days) and the official `days_off` of `calendar_overrides.yaml`, plus its
`extra_working_days`. Counting "N ngày làm việc kể từ ngày X" follows Bộ luật Dân sự 2015, Điều 147–148:
day X is not counted, day 1 is the first working day after X, the deadline is the end of the N-th.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import holidays

from domain.yaml_text import parse_yaml


@dataclass
class WorkingCalendar:
    days_off: dict[dt.date, str] = field(default_factory=dict)
    extra_working_days: dict[dt.date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._holidays = holidays.country_holidays("VN")  # years are filled lazily by the package
        self._cache: dict[dt.date, bool] = {}

    @classmethod
    def load(cls, path: str | Path | None) -> WorkingCalendar:
        if path is None or not Path(path).exists():
            return cls()
        data = parse_yaml(Path(path).read_text(encoding="utf-8")) or {}

        def dates(key: str) -> dict[dt.date, str]:
            return {dt.date.fromisoformat(str(item["date"])): item.get("note", "") for item in data.get(key) or []}

        return cls(days_off=dates("days_off"), extra_working_days=dates("extra_working_days"))

    def is_working_day(self, day: dt.date) -> bool:
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        if day in self.extra_working_days:
            result = True
        elif day in self.days_off:
            result = False
        else:
            result = self._holidays.is_working_day(day)
        self._cache[day] = result
        return result

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.days_off:
            return self.days_off[day]
        name: str | None = self._holidays.get(day)
        return name

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The end of the n-th working day after `start` (start itself not counted); n=0 → start."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def subtract_working_days(self, end: dt.date, n: int) -> dt.date:
        """The working day that lies n working days before `end` (end itself not counted)."""
        day = end
        counted = 0
        while counted < n:
            day -= dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def next_working_day(self, day: dt.date, *, include: bool = True) -> dt.date:
        if not include:
            day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def previous_working_day(self, day: dt.date, *, include: bool = True) -> dt.date:
        if not include:
            day -= dt.timedelta(days=1)
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
