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
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from domain.lateness import Workdays, before_plan, due_working_day, effective_due, milestone_overdue
from domain.shares import (
    DatedMilestone,
    ShareChange,
    ShareRuleError,
    Status,
    apply_update,
    milestone_done,
    share_percent,
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

    def tasks_done(self, unit_id: str | None = None) -> tuple[int, int]:
        """(tasks (nhiệm vụ) whose every share is done, tasks) — the report's «X/59 nhiệm vụ»."""
        tasks: dict[int, bool] = {}
        for s in self.shares:
            if unit_id is None or s.unit_id == unit_id:
                tasks[s.task] = tasks.get(s.task, True) and s.status is Status.DONE
        return sum(tasks.values()), len(tasks)


# -- the rules -------------------------------------------------------------------------------------------
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


_STATUS_OF = {status.value: status for status in Status}


def _due(m: DatedMilestone) -> dt.date:
    return m.due


@dataclass(slots=True)
class _Replay:
    """A share being replayed: the values `apply_update` works on, and when each milestone was reached."""

    dated: list[DatedMilestone]  # by due date
    status: Status = Status.NOT_STARTED
    percent: int | None = None
    through: dt.date | None = None
    done_on: dt.date | None = None
    last_day: dt.date | None = None
    next_dated: int = 0  # dated[:next_dated] are in `reached`
    reached: dict[int, dt.date] | None = None
    memo: dict[tuple[Status, int | None, dt.date | None, int], ShareChange] = field(default_factory=dict)

    def apply(self, status: Status, percent: int | None, day: dt.date) -> None:
        # `apply_update` depends on the day only through which milestones are due by then (for «done»),
        # so its answers are remembered per (status, percent, done_through, milestones due by the day).
        due_by = bisect_right(self.dated, day, key=_due) if status is Status.DONE else -1
        key = (status, percent, self.through, due_by)
        change = self.memo.get(key)
        if change is None:
            change = self.memo[key] = apply_update(
                status, percent, done_through=self.through, milestones=self.dated, today=day
            )
        if change.status is Status.DONE and self.status is not Status.DONE:
            self.done_on = day
        elif change.status is not Status.DONE:
            self.done_on = None
        if change.done_through is None or (self.through is not None and change.done_through < self.through):
            self.next_dated, self.reached = 0, None  # started over
        self.status, self.percent, self.through = change.status, change.percent, change.done_through
        self.last_day = day
        self._reach(day)

    def _reach(self, day: dt.date) -> None:
        done = self.status is Status.DONE
        while self.next_dated < len(self.dated) and (
            done or (self.through is not None and self.dated[self.next_dated].due <= self.through)
        ):
            if self.reached is None:
                self.reached = {}
            self.reached[self.dated[self.next_dated].id] = day
            self.next_dated += 1


def _replay(share: PlanShare, updates: Sequence[RecordedUpdate]) -> _Replay:
    """Replay a share's updates through `apply_update`. Equivalent to applying every row in order, with
    two shortcuts that cannot change the result: of a run of updates that are not «done», only the last
    one that the rules accept is applied (after starting over if the run held a «not_started»), and a
    «done» on a share already done changes nothing but the day of its last update."""
    replay = _Replay(sorted(
        (DatedMilestone(m.id, m.label, m.due, m.position) for m in share.milestones if m.due is not None),
        key=lambda m: (m.due, m.position),
    ))
    pending: RecordedUpdate | None = None
    pending_status = Status.NOT_STARTED
    restart = False
    for u in updates:
        status = _STATUS_OF.get(u.status)
        if status is None:
            continue
        if status is not Status.DONE:
            if u.percent is not None:
                try:
                    share_percent(status, u.percent)
                except ShareRuleError:  # a row the rules refuse changed nothing when it was written
                    continue
            pending, pending_status = u, status
            restart = restart or status is Status.NOT_STARTED
            continue
        if pending is not None:
            if restart:
                replay.apply(Status.NOT_STARTED, None, pending.day)
            replay.apply(pending_status, pending.percent, pending.day)
            pending, restart = None, False
        if replay.status is Status.DONE:
            replay.last_day = u.day
        else:
            replay.apply(Status.DONE, u.percent, u.day)
    if pending is not None:
        if restart:
            replay.apply(Status.NOT_STARTED, None, pending.day)
        replay.apply(pending_status, pending.percent, pending.day)
    return replay


def _share_state(
    share: PlanShare,
    updates: Sequence[RecordedUpdate],
    at: dt.date,
    workdays: Workdays,
    plan_year: int,
    due_cache: dict[dt.date, dt.date],
) -> ShareState:
    r = _replay(share, updates)
    reached = r.reached or {}
    milestones = tuple(
        _milestone_state(m, r.status, r.through, reached, r.done_on, at, workdays, plan_year, due_cache)
        for m in share.milestones
    )
    last_due = max(
        (m.effective_due for m in milestones if m.effective_due is not None and not m.before_plan), default=None
    )
    done_late = None if r.done_on is None else (last_due is not None and r.done_on > last_due)
    return ShareState(
        share.lead_id, share.task, share.unit_id, share.assignment_id, share.section, share.assignment_position,
        r.status, r.percent, r.through, r.last_day is not None, r.last_day,
        r.status is not Status.DONE and any(m.overdue for m in milestones), r.done_on, done_late, milestones,
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
