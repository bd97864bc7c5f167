"""How the department names its reporting periods (Q1, Q2, H1, Q3, Y, and the dashboard's Q4 and H2) and
its reports. The one table of these words: every other table of period names (the report's, the export's,
the dashboard's, the reminders') is derived from `PERIOD_WORDS`. The domain keeps the codes
(`domain.reporting.PERIODS`); the labels a plan's periodic-report milestones are stored under at import are
the deadline grammar's (`domain.deadlines`)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.reporting import PERIODS, ReportDate


@dataclass(frozen=True)
class PeriodWords:
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
TITLES = {p: PERIOD_WORDS[p].span for p in PERIODS}  # the months a report's period covers
ORDINALS = {p: PERIOD_WORDS[p].following for p in PERIODS}  # the quarter after a report's cut-off
REPORT_NAMES = {"cchc": "Báo cáo CCHC", "kiem-soat-tthc": "Báo cáo kiểm soát TTHC"}


def report_title(d: ReportDate) -> str:
    """«Báo cáo CCHC Quý III», «Báo cáo kiểm soát TTHC 6 tháng»."""
    return f"{REPORT_NAMES.get(d.report, d.report)} {PERIOD_NAMES[d.period]}"


def unknown_period(text: str | None) -> str:
    """The command line's refusal of a period it does not know (`--period`)."""
    return f"kỳ báo cáo «{text}» không hợp lệ; dùng Q1, Q2, H1 (6 tháng), Q3, Q4 hoặc Y (cả năm, gồm quý IV)"
