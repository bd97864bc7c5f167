"""Read models the services hand to handlers: plain data, no ORM objects, no session needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from domain.shares import STATUS_NAMES, Status, Workdays, milestone_done, milestone_overdue, share_overdue


def status_text(status: str, percent: int | None) -> str:
    """A share's status as the plan's documents write it («Đang thực hiện 60%»)."""
    name = STATUS_NAMES.get(status, status)
    return f"{name} {percent}%" if status == Status.IN_PROGRESS and percent is not None else name


@dataclass(frozen=True)
class MilestoneView:
    id: int
    label: str
    kind: str
    text: str
    due: dt.date | None
    period: str | None = None
    trigger: str | None = None
    trigger_date: dt.date | None = None
    # due before the plan's own year began (task 1's «Tháng 12/2021» in the 2022 plan): what issuing
    # the plan fulfils — shown as such, never counted overdue (domain.reminders.before_plan)
    before_plan: bool = False


@dataclass(frozen=True)
class LeadView:
    """One unit's share of one assignment, with its current status."""

    lead_id: int
    unit_id: str
    task_number: int
    task_title: str
    section: int
    assignment_id: int
    assignment_position: int
    scope: str | None
    status: str
    percent: int | None
    status_at: dt.datetime | None
    milestones: tuple[MilestoneView, ...]
    products: tuple[str, ...] = ()
    coordinating: tuple[str, ...] = ()
    external_coordinating: tuple[str, ...] = ()
    done_through: dt.date | None = None

    def milestone_done(self, m: MilestoneView) -> bool:
        return milestone_done(self.status, self.done_through, m.due)

    def overdue(self, m: MilestoneView, today: dt.date, workdays: Workdays) -> bool:
        """This milestone overdue (the rule: `domain.shares.milestone_overdue`, from its working day)."""
        return not m.before_plan and milestone_overdue(self.status, self.done_through, m.due, today, workdays)

    def is_overdue(self, today: dt.date, workdays: Workdays) -> bool:
        """Any of the share's milestones overdue (the rule: `domain.shares.share_overdue`)."""
        dues = (m.due for m in self.milestones if not m.before_plan)
        return share_overdue(self.status, self.done_through, dues, today, workdays)


@dataclass(frozen=True)
class ListItem:
    lead: LeadView
    milestone: MilestoneView
    group: str  # dated | year_round | waiting | undated


@dataclass
class TaskList:
    items: list[ListItem]
    units: list[str] | None
    period: tuple[dt.date, dt.date] | None
    status: str | None


@dataclass
class StatusLine:
    unit_id: str
    status: str
    percent: int | None
    at: dt.datetime | None
    by: str | None
    note: str | None
    evidence: int = 0


@dataclass
class TaskDetail:
    number: int
    title: str
    section: int
    section_title: str
    leads: list[LeadView]
    statuses: list[StatusLine] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
