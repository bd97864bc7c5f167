"""The one truth: the state of every (task × lead unit) share at the end of a date, replayed from the
recorded history of status updates.

Every number the assistant states — the chat's lists, cards and «tiến độ», the Excel export, the web
view, the reminders' overdue rule and the report draft — derives from `project()` (the contract is in
docs/contracts.md §7). Pure: the plan and the history come in as plain records, nothing is read here.

Replaying uses `domain.shares.apply_update`, the very rule the status service applies when it writes,
so the projection at today equals what was written, and a projection at an earlier date is what the
outputs said on that date (updates recorded after it are not seen).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.shares import (
    DatedMilestone,
    ShareRuleError,
    Status,
    Workdays,
    apply_update,
    due_working_day,
    milestone_done,
)

__all__ = [
    "Counts",
    "MilestoneCounts",
    "MilestoneState",
    "PlanMilestone",
    "PlanShare",
    "Projection",
    "RecordedUpdate",
    "ShareState",
    "before_plan",
    "count_milestones",
    "count_shares",
    "effective_due",
    "milestone_overdue",
    "project",
]


# -- what goes in ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PlanMilestone:
    """A milestone of an assignment as the plan states it (`due` None: waiting for an event or undated)."""

    id: int
    label: str
    kind: str
    due: dt.date | None
    position: int = 0


@dataclass(frozen=True, slots=True)
class PlanShare:
    """One lead unit's share of one assignment: what is replayed."""

    lead_id: int
    task: int
    unit_id: str
    assignment_id: int
    milestones: tuple[PlanMilestone, ...]
    section: int = 0
    assignment_position: int = 0


@dataclass(frozen=True, slots=True)
class RecordedUpdate:
    """One row of the status history: what the person reported (`status`, `percent`), the milestone it
    completed when it completed one of several, and the local day (Asia/Ho_Chi_Minh) it was recorded.
    Rows of one share are replayed in the order given (the service sorts them by time, then id)."""

    lead_id: int
    status: str
    percent: int | None
    day: dt.date
    milestone_id: int | None = None


# -- what comes out --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MilestoneState:
    id: int
    label: str
    kind: str
    due: dt.date | None
    effective_due: dt.date | None  # the working day a deadline on a day off moves to
    before_plan: bool  # dated before the plan's year: never overdue, never late
    done: bool
    done_on: dt.date | None
    done_late: bool | None  # None while not done
    overdue: bool


@dataclass(frozen=True, slots=True)
class ShareState:
    lead_id: int
    task: int
    unit_id: str
    assignment_id: int
    section: int
    assignment_position: int
    status: Status
    percent: int | None
    done_through: dt.date | None
    updated: bool  # at least one update recorded by the date («Chưa cập nhật» when not)
    updated_on: dt.date | None
    overdue: bool
    done_on: dt.date | None
    done_late: bool | None  # None while not done
    milestones: tuple[MilestoneState, ...]

    @property
    def open(self) -> bool:
        return self.status is not Status.DONE


@dataclass(frozen=True, slots=True)
class Counts:
    """Share-level counts (phần việc), as docs/contracts.md §7 names them; `overdue` counts open shares
    that are overdue (they are also counted in not_started / in_progress / blocked). `not_updated` (the
    not_started shares nobody wrote anything about) is extra, for the words, not part of §7's JSON."""

    shares: int = 0
    done: int = 0
    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    blocked: int = 0
    not_started: int = 0
    overdue: int = 0
    not_updated: int = 0

    def as_contract(self) -> dict[str, int]:
        return {
            "shares": self.shares, "done": self.done, "done_on_time": self.done_on_time,
            "done_late": self.done_late, "in_progress": self.in_progress, "blocked": self.blocked,
            "not_started": self.not_started, "overdue": self.overdue,
        }

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.shares) if self.shares else 0


@dataclass(frozen=True, slots=True)
class MilestoneCounts:
    """Milestone-level counts (mốc) — for the views that list milestones, never mixed with shares."""

    milestones: int = 0
    done: int = 0
    done_late: int = 0
    overdue: int = 0


@dataclass(frozen=True, slots=True)
class Projection:
    at: dt.date
    plan_year: int
    shares: tuple[ShareState, ...]

    def counts(self, unit_id: str | None = None) -> Counts:
        return count_shares(s for s in self.shares if unit_id is None or s.unit_id == unit_id)

    def milestone_counts(self, unit_id: str | None = None) -> MilestoneCounts:
        return count_milestones(s for s in self.shares if unit_id is None or s.unit_id == unit_id)

    def by_lead(self) -> dict[int, ShareState]:
        return {s.lead_id: s for s in self.shares}

    def overdue_tasks(self, unit_id: str | None = None) -> int:
        """Tasks (việc) with at least one overdue share."""
        return len({s.task for s in self.shares if s.overdue and (unit_id is None or s.unit_id == unit_id)})


# -- the rules -------------------------------------------------------------------------------------------
def before_plan(due: dt.date | None, plan_year: int) -> bool:
    """A milestone due before its plan's year began (task 1's «Tháng 12/2021» in the 2022 plan) is what
    issuing the plan fulfils: never overdue, never late."""
    return bool(plan_year) and due is not None and due < dt.date(plan_year, 1, 1)


def effective_due(due: dt.date | None, workdays: Workdays) -> dt.date | None:
    """The one date shown everywhere: the deadline itself, or the working day before it when it falls on a
    day off (`domain.shares.due_working_day`)."""
    return None if due is None else due_working_day(due, workdays)


def milestone_overdue(
    *, done: bool, due: dt.date | None, at: dt.date, workdays: Workdays, plan_year: int = 0
) -> bool:
    """THE overdue rule: a dated milestone, not done, whose effective due day is before `at`; a milestone
    dated before the plan's year never is."""
    if done or due is None or before_plan(due, plan_year):
        return False
    return due_working_day(due, workdays) < at


def count_shares(shares: Iterable[ShareState]) -> Counts:
    n = {k: 0 for k in ("shares", "done", "done_on_time", "done_late", "in_progress", "blocked",
                        "not_started", "overdue", "not_updated")}
    for s in shares:
        n["shares"] += 1
        n[s.status.value] += 1
        if s.status is Status.DONE:
            n["done_late" if s.done_late else "done_on_time"] += 1
        elif s.overdue:
            n["overdue"] += 1
        if not s.updated:
            n["not_updated"] += 1
    return Counts(**n)


def count_milestones(shares: Iterable[ShareState]) -> MilestoneCounts:
    total = done = late = overdue = 0
    for s in shares:
        for m in s.milestones:
            total += 1
            done += m.done
            late += bool(m.done_late)
            overdue += m.overdue
    return MilestoneCounts(total, done, late, overdue)


# -- the replay ------------------------------------------------------------------------------------------
def project(
    shares: Iterable[PlanShare], history: Iterable[RecordedUpdate], at: dt.date, workdays: Workdays, *, plan_year: int
) -> Projection:
    """Every share as it stood at the end of `at`: the history recorded on or before `at` replayed
    through `apply_update`. Updates of shares not in `shares` are ignored."""
    by_lead: dict[int, list[RecordedUpdate]] = defaultdict(list)
    for u in history:
        if u.day <= at:
            by_lead[u.lead_id].append(u)
    due_cache: dict[dt.date, dt.date] = {}
    states = tuple(
        _share_state(share, by_lead.get(share.lead_id, ()), at, workdays, plan_year, due_cache) for share in shares
    )
    return Projection(at, plan_year, states)


def _share_state(
    share: PlanShare,
    updates: Sequence[RecordedUpdate],
    at: dt.date,
    workdays: Workdays,
    plan_year: int,
    due_cache: dict[dt.date, dt.date],
) -> ShareState:
    dated = [DatedMilestone(m.id, m.label, m.due, m.position) for m in share.milestones if m.due is not None]
    status, percent, through = Status.NOT_STARTED, None, None
    done_on: dt.date | None = None
    reached: dict[int, dt.date] = {}  # milestone id → the day it became done
    last_day: dt.date | None = None
    for u in updates:
        try:
            change = apply_update(Status(u.status), u.percent, done_through=through, milestones=dated, today=u.day)
        except (ShareRuleError, ValueError):  # a row no rule accepts today changed nothing when read back
            continue
        last_day = u.day
        if change.status is Status.DONE and status is not Status.DONE:
            done_on = u.day
        elif change.status is not Status.DONE:
            done_on = None
        status, percent, through = change.status, change.percent, change.done_through
        if dated:
            for m in dated:
                if milestone_done(status, through, m.due):
                    reached.setdefault(m.id, u.day)
                else:
                    reached.pop(m.id, None)
    milestones = tuple(
        _milestone_state(m, status, through, reached, done_on, at, workdays, plan_year, due_cache)
        for m in share.milestones
    )
    counted = [m for m in milestones if m.effective_due is not None and not m.before_plan]
    last_due = max((m.effective_due for m in counted if m.effective_due is not None), default=None)
    done_late = None if done_on is None else (last_due is not None and done_on > last_due)
    return ShareState(
        share.lead_id, share.task, share.unit_id, share.assignment_id, share.section, share.assignment_position,
        status, percent, through, last_day is not None, last_day,
        status is not Status.DONE and any(m.overdue for m in milestones), done_on, done_late, milestones,
    )


def _milestone_state(
    m: PlanMilestone,
    status: Status,
    through: dt.date | None,
    reached: dict[int, dt.date],
    share_done_on: dt.date | None,
    at: dt.date,
    workdays: Workdays,
    plan_year: int,
    due_cache: dict[dt.date, dt.date],
) -> MilestoneState:
    done = milestone_done(status, through, m.due)
    eff: dt.date | None = None
    if m.due is not None:
        eff = due_cache.get(m.due)
        if eff is None:
            eff = due_cache[m.due] = due_working_day(m.due, workdays)
    early = before_plan(m.due, plan_year)
    done_on = (reached.get(m.id) or share_done_on) if done else None
    late = None if done_on is None else (eff is not None and not early and done_on > eff)
    overdue = not done and eff is not None and not early and eff < at
    return MilestoneState(m.id, m.label, m.kind, m.due, eff, early, done, done_on, late, overdue)
