"""The reporting calendar: when each periodic report is due (editable YAML, legal basis inside)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from domain.yaml_text import parse_yaml

PERIODS = ("Q1", "Q2", "H1", "Q3", "Y")


@dataclass(frozen=True)
class ReportDate:
    report: str
    period: str
    due: dt.date
    cutoff: dt.date | None


@dataclass
class ReportingCalendar:
    reports: dict[str, dict[str, tuple[str, str | None]]]  # report -> period -> (MM-DD due, MM-DD cutoff)
    remind_before_days: list[int] = field(default_factory=lambda: [10, 5, 2, 0])
    # None: the reminder window follows TZ_NAME (the app's clock); a calendar file that names a zone
    # explicitly overrides it
    timezone: str | None = None

    @classmethod
    def load(cls, path: str | Path) -> ReportingCalendar:
        data = parse_yaml(Path(path).read_text(encoding="utf-8"))
        reports = {
            name: {period: (str(v["due"]), str(v["cutoff"]) if v.get("cutoff") else None) for period, v in periods.items()}
            for name, periods in data["reports"].items()
        }
        return cls(
            reports=reports,
            remind_before_days=list(data.get("remind_before_days", [10, 5, 2, 0])),
            timezone=data.get("timezone") or None,
        )

    def periods(self, report: str) -> list[str]:
        return list(self.reports.get(report, {}))

    def date(self, report: str, period: str, year: int) -> ReportDate | None:
        entry = self.reports.get(report, {}).get(period)
        if entry is None:
            return None
        due, cutoff = entry
        return ReportDate(report, period, _md(due, year), _md(cutoff, year) if cutoff else None)

    def all_dates(self, year: int) -> list[ReportDate]:
        dates = [self.date(r, p, year) for r in self.reports for p in self.reports[r]]
        return sorted((d for d in dates if d), key=lambda d: (d.due, d.report))


def _md(month_day: str, year: int) -> dt.date:
    month, day = (int(x) for x in month_day.split("-"))
    return dt.date(year, month, day)
