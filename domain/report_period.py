"""The periods of the periodic CCHC report: which days a report covers, its cut-off, and what comes next.

A report states the department's work as it stood at the period's **cut-off** (the reporting
calendar's `cutoff`, Nghị định 09/2019/NĐ-CP Điều 12: Q3 = 15/6–14/9). What was *completed in the
period* is what reached «hoàn thành» between the previous report's cut-off and this one; the annual,
6-month and first-quarter reports count from the previous year's annual cut-off (15/12). Part IV of
the report («Phương hướng, nhiệm vụ kỳ tới») lists what falls due in the calendar quarter after the
period. Without a calendar entry, the period's calendar end is the cut-off.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from domain.reporting import PERIODS, ReportingCalendar

REPORT = "cchc"
CALENDAR_RANGES = {
    "Q1": ((1, 1), (3, 31)),
    "Q2": ((4, 1), (6, 30)),
    "H1": ((1, 1), (6, 30)),
    "Q3": ((7, 1), (9, 30)),
    "Y": ((1, 1), (12, 31)),
}
# The report whose cut-off opens this one's window (None: the previous year's annual report).
PREVIOUS = {"Q1": None, "Q2": "Q1", "H1": None, "Q3": "H1", "Y": None}


class UnknownPeriod(ValueError):
    """A period that is not one of the report's; `text` is what was given (the words of the refusal are
    `presentation.periods.unknown_period`)."""

    def __init__(self, text: str | None) -> None:
        super().__init__(f"unknown report period: {text!r}")
        self.text = text


# The fourth quarter has no report of its own: the annual report (due in December) covers it, so «Q4» is
# read as the annual period Y everywhere (CLI and chat), and said back as such (docs/contracts.md §1).
ALIASES = {"Q4": "Y"}


_FOURTH_QUARTER = re.compile(r"\b(?:quy|q)\s*(?:4|iv)\b")


def says_fourth_quarter(folded: str) -> bool:
    """Does a message (folded: lower case, no diacritics) name the fourth quarter («quý 4», «quý IV», «Q4»)? Its
    figures go to the annual period, and the answer says so."""
    return bool(_FOURTH_QUARTER.search(folded))


def normalise_period(text: str | None) -> str:
    """«q3», «Q3» → «Q3»; «q4» → «Y»; anything outside Q1, Q2, H1, Q3, Q4, Y raises `UnknownPeriod`."""
    value = (text or "").strip().upper()
    value = ALIASES.get(value, value)
    if value not in PERIODS:
        raise UnknownPeriod(text)
    return value


@dataclass(frozen=True)
class ReportPeriod:
    period: str
    year: int
    start: dt.date  # first day counted as «in the period»
    cutoff: dt.date  # last day counted; the data as it stood at the end of this day
    due: dt.date | None
    next_start: dt.date  # part IV: the calendar quarter after the period
    next_end: dt.date


def cutoff_of(calendar: ReportingCalendar, period: str, year: int) -> dt.date:
    entry = calendar.date(REPORT, period, year)
    if entry is not None and entry.cutoff is not None:
        return entry.cutoff
    (m, d) = CALENDAR_RANGES[period][1]
    return dt.date(year, m, d)


def report_period(calendar: ReportingCalendar, period: str, year: int) -> ReportPeriod:
    period = normalise_period(period)
    cutoff = cutoff_of(calendar, period, year)
    previous = PREVIOUS[period]
    opened = cutoff_of(calendar, previous, year) if previous else cutoff_of(calendar, "Y", year - 1)
    end_month = CALENDAR_RANGES[period][1][0]
    if end_month == 12:
        next_start, next_end = dt.date(year + 1, 1, 1), dt.date(year + 1, 3, 31)
    else:
        next_start = dt.date(year, end_month + 1, 1)
        last = end_month + 3
        next_end = dt.date(year, last + 1, 1) - dt.timedelta(days=1) if last < 12 else dt.date(year, 12, 31)
    entry = calendar.date(REPORT, period, year)
    return ReportPeriod(
        period, year, opened + dt.timedelta(days=1), cutoff, entry.due if entry else None, next_start, next_end
    )


def current_period(today: dt.date) -> str:
    """The report a figure typed today belongs to when the message names none: the quarter's report
    (Q1, H1 for April–June, Q3), the annual one from October."""
    return {1: "Q1", 2: "H1", 3: "Q3", 4: "Y"}[(today.month - 1) // 3 + 1]
