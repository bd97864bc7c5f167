"""The plan as parsed from the department's document, before it is stored.

Importers (text, Word, Excel) produce a `ParsedPlan`; the plan service writes it to the database.
Keeping this a plain dataclass tree lets the three importers be compared with `==` in tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Milestone kinds, per CONTRACTS §2.
DATE = "date"
YEAR_ROUND = "year_round"
ANNUAL = "annual"
RELATIVE = "relative"
AFTER_EVENT = "after_event"
PERIODIC_REPORT = "periodic_report"
PER_AUTHORITY = "per_authority"
ON_REQUEST = "on_request"
MILESTONE_KINDS = (DATE, YEAR_ROUND, ANNUAL, RELATIVE, AFTER_EVENT, PERIODIC_REPORT, PER_AUTHORITY, ON_REQUEST)
HARD_DATED = (DATE, YEAR_ROUND, ANNUAL, PERIODIC_REPORT)
TRIGGERED = (RELATIVE, AFTER_EVENT)


@dataclass
class ParsedMilestone:
    label: str
    kind: str
    text: str
    due: dt.date | None = None
    period: str | None = None  # Q1, Q2, H1, Q3, Y for periodic reports
    report: str | None = None  # reporting-calendar key, e.g. "cchc"
    offset_days: int | None = None
    working_days: bool | None = None
    trigger: str | None = None


@dataclass
class ParsedAssignment:
    lead: list[str]
    coordinating: list[str]
    external_coordinating: list[str]
    products: list[str]
    scope: str | None
    milestones: list[ParsedMilestone]
    lead_text: str = ""
    coordinating_text: str = ""
    deadline_text: str = ""


@dataclass
class ParsedTask:
    number: int
    section: int
    title: str
    assignments: list[ParsedAssignment] = field(default_factory=list)


@dataclass
class ParsedSection:
    number: int
    roman: str
    title: str
    targets: list[str] = field(default_factory=list)


@dataclass
class ParsedPlan:
    year: int
    title: str
    issuer: str
    sections: list[ParsedSection]
    tasks: list[ParsedTask]

    def rebase(self, year: int) -> ParsedPlan:
        """The same plan moved to `year`: every date keeps its day and month, years shift together."""
        shift = year - self.year
        if shift == 0:
            return self
        for task in self.tasks:
            for assignment in task.assignments:
                for milestone in assignment.milestones:
                    if milestone.due is not None:
                        milestone.due = shift_year(milestone.due, shift)
        self.title = self.title.replace(str(self.year), str(year))
        self.year = year
        return self


def shift_year(day: dt.date, shift: int) -> dt.date:
    try:
        return day.replace(year=day.year + shift)
    except ValueError:  # 29/2 into a non-leap year
        return day.replace(year=day.year + shift, day=28)


class PlanFormatError(ValueError):
    """A plan document that does not have the expected shape; the message names where and what."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
