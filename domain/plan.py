"""The plan as parsed from the department's document, before it is stored.

Importers (text, Word, Excel) produce a `ParsedPlan`; the plan service writes it to the database.
Keeping this a plain dataclass tree lets the three importers be compared with `==` in tests.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

# The share's rules live in domain/shares.py; re-exported for the modules that read it from here.
from domain.shares import milestone_done as milestone_done

if TYPE_CHECKING:
    from domain.workdays import WorkingCalendar

# Milestone kinds, per docs/contracts.md §2.
DATE = "date"
YEAR_ROUND = "year_round"
ANNUAL = "annual"
RELATIVE = "relative"
AFTER_EVENT = "after_event"
PERIODIC_REPORT = "periodic_report"
PER_AUTHORITY = "per_authority"
ON_REQUEST = "on_request"
RECURRING = "recurring"  # one occurrence of «hàng tháng / hàng quý / định kỳ 6 tháng»; `recurrence` says which
NEEDS_DATE = "needs_date"  # a phrase the grammar does not know: imported without a date, set later by chat
MILESTONE_KINDS = (
    DATE, YEAR_ROUND, ANNUAL, RELATIVE, AFTER_EVENT, PERIODIC_REPORT, PER_AUTHORITY, ON_REQUEST, RECURRING, NEEDS_DATE,
)
HARD_DATED = (DATE, YEAR_ROUND, ANNUAL, PERIODIC_REPORT, RECURRING)
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
    recurrence: str | None = None  # monthly, quarterly, half_yearly, yearly (docs/contracts.md §2)


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
    # Lead units the directory does not know («P. Kinh tế»): the row imports without them and the import
    # lists them with a suggestion (docs/contracts.md §2); added to units.yaml, a re-import assigns them.
    unknown_leads: list[str] = field(default_factory=list)


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


@dataclass(frozen=True)
class PlanTexts:
    """A plan's words and nothing else: (number, title, the products of all its assignment rows) per task
    and (number, title) per reform area. Hashable, so that what is derived from the words alone (the NLU's task index) is built
    once for equal words."""

    tasks: tuple[tuple[int, str, tuple[str, ...]], ...]
    sections: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, plan: ParsedPlan) -> PlanTexts:
        return cls(
            tuple((t.number, t.title, tuple(p for a in t.assignments for p in a.products)) for t in plan.tasks),
            tuple((s.number, s.title) for s in plan.sections),
        )


@dataclass
class ParsedPlan:
    year: int
    title: str
    issuer: str
    sections: list[ParsedSection]
    tasks: list[ParsedTask]
    number: str | None = None  # «/KH-SCT»: the plan's number as its file states it (a blank part left out)
    signed: str | None = None  # «/12/2021»: its date, likewise

    def rebase(self, year: int) -> ParsedPlan:
        """The same plan moved to `year`: every date keeps its day and month, years shift together —
        in the dates and in the words ("Kế hoạch CCHC năm 2022", "Tháng 12/2021"), so that answers and
        reminders never mix the two years. Legal references ("Nghị định 60/2021/NĐ-CP") are left alone."""
        shift = year - self.year
        if shift == 0:
            return self
        years = range(self.year - 1, self.year + 2)

        def words(text: str) -> str:
            return shift_years_in_text(text, shift, years) if text else text

        def maybe(text: str | None) -> str | None:
            return words(text) if text else text

        for section in self.sections:
            section.targets = [words(t) for t in section.targets]
        for task in self.tasks:
            task.title = words(task.title)
            for assignment in task.assignments:
                assignment.products = [words(p) for p in assignment.products]
                assignment.scope = maybe(assignment.scope)
                assignment.deadline_text = words(assignment.deadline_text)
                for milestone in assignment.milestones:
                    if milestone.due is not None:
                        milestone.due = shift_year(milestone.due, shift)
                    milestone.label, milestone.text = words(milestone.label), words(milestone.text)
                    milestone.trigger = maybe(milestone.trigger)
        self.title = words(self.title)
        if self.signed:  # the plan is signed the year before (or in) the year it plans: moved with it
            self.signed = re.sub(r"\d{4}$", lambda m: str(int(m.group(0)) + shift), self.signed)
        self.year = year
        return self


_MONTH_YEAR = re.compile(r"(?i)(tháng\s*\d{1,2}\s*/\s*)(\d{4})\b")
_FULL_DATE_BEFORE = re.compile(r"(?i)ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s*$")
_BARE_YEAR = re.compile(r"(?<![/\d.-])(\d{4})(?![/\d])")


def shift_years_in_text(text: str, shift: int, years: range) -> str:
    """Move the plan's years written in a sentence: 'năm 2022', 'Tháng 12/2021' — but not the years
    inside document numbers ('60/2021/NĐ-CP') nor the issue date of a document ('ngày 21 tháng 6 năm
    2021'), which are history, not schedule."""

    def move(match: re.Match[str], group: int) -> str:
        value = int(match.group(group))
        dated = _FULL_DATE_BEFORE.search(text[: match.start(group)])
        moved = str(value + shift) if value in years and not dated else match.group(group)
        return str(match.group(0)[: match.start(group) - match.start(0)]) + moved

    text = _MONTH_YEAR.sub(lambda m: move(m, 2), text)
    return _BARE_YEAR.sub(lambda m: move(m, 1), text)


class TriggeredMilestone(Protocol):
    kind: str
    due: dt.date | None
    trigger_date: dt.date | None
    offset_days: int | None
    working_days: bool | None


def trigger_due(milestone: TriggeredMilestone, workdays: WorkingCalendar) -> dt.date | None:
    """The date a relative / after-event milestone falls on once its trigger date is known
    («N ngày làm việc kể từ ngày X»: working days per `workdays`; otherwise calendar days)."""
    start = milestone.trigger_date
    if start is None:
        return milestone.due
    if milestone.kind == RELATIVE and milestone.offset_days is not None:
        if milestone.working_days:
            return workdays.add_working_days(start, milestone.offset_days)
        return start + dt.timedelta(days=milestone.offset_days)
    if milestone.kind == AFTER_EVENT:
        return start
    return milestone.due


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
