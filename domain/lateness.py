"""The one lateness rule, shared by the projection (`domain.projection`, which every output derives from)
and the share rules (`domain.shares`, whose `milestone_overdue` / `share_overdue` are this rule for a
share's current values). A module of its own so that both can import it without importing each other.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Workdays(Protocol):
    """What the rule needs of the working-day calendar (`domain.workdays.WorkingCalendar`)."""

    def is_working_day(self, day: dt.date) -> bool: ...
    def previous_working_day(self, day: dt.date) -> dt.date: ...


def due_working_day(due: dt.date, workdays: Workdays) -> dt.date:
    """The working day a deadline is really due: the day itself, or the working day before it when the
    deadline falls on a day off (a Sunday 18/12 is due on Friday 16/12)."""
    return due if workdays.is_working_day(due) else workdays.previous_working_day(due)


def effective_due(due: dt.date | None, workdays: Workdays) -> dt.date | None:
    """The one date shown everywhere for a milestone (None for an undated one)."""
    return None if due is None else due_working_day(due, workdays)


def before_plan(due: dt.date | None, plan_year: int) -> bool:
    """A milestone due before its plan's year began (task 1's «Tháng 12/2021» in the 2022 plan) is what
    issuing the plan fulfils: never overdue, never late."""
    return bool(plan_year) and due is not None and due < dt.date(plan_year, 1, 1)


def milestone_overdue(
    *, done: bool, due: dt.date | None, at: dt.date, workdays: Workdays, plan_year: int = 0
) -> bool:
    """THE overdue rule: a dated milestone, not done, whose effective due day is before `at` (it is due
    at the end of that day); a milestone dated before the plan's year never is."""
    if done or due is None or before_plan(due, plan_year):
        return False
    return due_working_day(due, workdays) < at
