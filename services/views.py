"""Read models the services hand to handlers: plain data, no ORM objects, no session needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from domain.projection import ShareState, milestone_overdue
from domain.shares import Status, Workdays, milestone_done


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
    # The projection's state of the share (domain/projection.py), when it was read through it.
    state: ShareState | None = field(default=None, compare=False)

    @property
    def updated(self) -> bool:
        """Whether anyone ever reported on this share («Chưa cập nhật» when not)."""
        return self.state.updated if self.state is not None else self.status_at is not None

    def milestone_done(self, m: MilestoneView) -> bool:
        return milestone_done(self.status, self.done_through, m.due)

    def overdue(self, m: MilestoneView, today: dt.date, workdays: Workdays) -> bool:
        """This milestone overdue — the projection's rule (`domain.projection.milestone_overdue`)."""
        return not m.before_plan and milestone_overdue(
            done=self.milestone_done(m), due=m.due, at=today, workdays=workdays
        )

    def is_overdue(self, today: dt.date, workdays: Workdays) -> bool:
        """Any of the share's milestones overdue (the projection's rule)."""
        return self.status != Status.DONE and any(self.overdue(m, today, workdays) for m in self.milestones)


class ShareRef(Protocol):
    """What choosing which share to write needs of one: which it is, whose, and which part of the row —
    a `LeadView`, or the projection's facts of a share read without its history
    (`QueryService.shares`)."""

    @property
    def lead_id(self) -> int: ...

    @property
    def unit_id(self) -> str: ...

    @property
    def scope(self) -> str | None: ...


@dataclass(frozen=True)
class ListItem:
    lead: LeadView
    milestone: MilestoneView
    group: str  # dated | year_round | waiting | needs_date | undated


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
    updated: bool = True


@dataclass
class TaskDetail:
    number: int
    title: str
    section: int
    section_title: str
    leads: list[LeadView]
    statuses: list[StatusLine] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
