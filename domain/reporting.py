"""The reporting calendar: when each periodic report is due (editable YAML, legal basis inside)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from domain.yaml_text import parse_yaml

PERIODS = ("Q1", "Q2", "H1", "Q3", "Y")


@dataclass(frozen=True)
class PeriodWords:
    """How the department names one period. The one table of these words: every other table of period
    names (the report's, the export's, the dashboard's) is derived from `PERIOD_WORDS`."""

    name: str  # in a report's name, as the plan writes it: «Báo cáo 6 tháng», «Báo cáo năm»
    span: str  # the months it covers, standing alone: «6 tháng đầu năm», «cả năm»
    following: str  # the quarter after its cut-off (part IV of the report: «nhiệm vụ quý IV»)


PERIOD_WORDS: dict[str, PeriodWords] = {
    "Q1": PeriodWords("Quý I", "Quý I", "quý I"),
    "Q2": PeriodWords("Quý II", "Quý II", "quý II"),
    "H1": PeriodWords("6 tháng", "6 tháng đầu năm", "6 tháng cuối năm"),
    "Q3": PeriodWords("Quý III", "Quý III", "quý IV"),
    "Y": PeriodWords("năm", "cả năm", "quý I năm sau"),
    # not report periods, but periods the dashboard filters by
    "Q4": PeriodWords("Quý IV", "Quý IV", "quý I năm sau"),
    "H2": PeriodWords("6 tháng cuối năm", "6 tháng cuối năm", "quý I năm sau"),
}
PERIOD_NAMES = {p: PERIOD_WORDS[p].name for p in PERIODS}
REPORT_NAMES = {"cchc": "Báo cáo CCHC", "kiem-soat-tthc": "Báo cáo kiểm soát TTHC"}


@dataclass(frozen=True)
class ReportDate:
    report: str
    period: str
    due: dt.date
    cutoff: dt.date | None

    @property
    def title(self) -> str:
        return f"{REPORT_NAMES.get(self.report, self.report)} {PERIOD_NAMES[self.period]}"


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
