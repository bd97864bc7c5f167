"""Read models the services hand to handlers: plain data, no ORM objects, no session needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from domain.plan import milestone_done

# The plan's status vocabulary, as the Excel report and the chat name it (chat formatting lives in
# presentation/format.py).
STATUS_NAMES = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "blocked": "Vướng mắc",
    "done": "Hoàn thành",
}


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

    def overdue(self, m: MilestoneView, today: dt.date) -> bool:
        return m.due is not None and m.due < today and not self.milestone_done(m)


@dataclass(frozen=True)
class ListItem:
    lead: LeadView
    milestone: MilestoneView | None
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
    assignments: list[dict] = field(default_factory=list)
