"""Writing status: one unit's share of a task, by the rules of `domain/shares.py` (who may write it,
percent, milestone-by-milestone completion), with an append-only history, idempotency, and trigger
dates for milestones that wait for an event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain import plan_years
from domain.people import UserView
from domain.plan import TRIGGERED
from domain.shares import (
    PERCENT_MAX,
    PERCENT_MIN,
    STATUSES,
    DatedMilestone,
    PercentOutOfRange,
    UnknownStatus,
    apply_update,
    parse_status,
    share_percent,
)
from services.access import Permission, coordinating, may_write, writable
from services.errors import NoPlan
from services.plan_service import PlanService
from services.query_service import lead_view
from services.views import LeadView
from storage.repositories.statuses import AssignmentRecord
from storage.uow import Conflict, UnitOfWork, UnitOfWorkFactory

__all__ = ["STATUSES", "StatusService", "TriggerKind", "TriggerOutcome", "UpdateKind", "UpdateOutcome", "UpdateRecorded"]


class UpdateKind(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this message was recorded before
    UNKNOWN_TASK = "unknown_task"
    FORBIDDEN = "forbidden"  # not a share this person may write (`lead_units`: whose it is)
    READ_ONLY = "read_only"  # a leader
    CHOOSE = "choose"  # several shares fit: ask which (`options`)
    BAD_STATUS = "bad_status"
    BAD_PERCENT = "bad_percent"  # outside `percent_range`
    CLOSED = "closed"  # a past year's plan after its closing date (`year`, `closed_on`)


@dataclass
class UpdateOutcome:
    """A status update request that wrote nothing, and why; handlers turn it into words."""

    kind: UpdateKind
    options: list[LeadView] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    percent_range: tuple[int, int] = (PERCENT_MIN, PERCENT_MAX)
    # the plan's year when it is not the current one (the answer says so), and for `closed` its closing day
    year: int | None = None
    closed_on: dt.date | None = None


@dataclass
class UpdateRecorded:
    """A status update written: the share as it now stands."""

    lead: LeadView
    previous: str | None  # None: nobody had reported on this share
    completed: str | None = None  # the one milestone this "done" completed, when later ones remain
    remaining: list[tuple[str, dt.date]] = field(default_factory=list)
    kind: UpdateKind = UpdateKind.RECORDED
    year: int | None = None  # the plan's year when it is not the current one (the answer says so)


class TriggerKind(StrEnum):
    RECORDED = "recorded"
    UNKNOWN_TASK = "unknown_task"
    FORBIDDEN = "forbidden"
    NO_TRIGGER = "no_trigger"  # the task has no milestone waiting for an event


@dataclass
class TriggerOutcome:
    kind: TriggerKind
    milestones: list[tuple[str, dt.date | None]] = field(default_factory=list)


async def _refused(
    uow: UnitOfWork, task: int, year: int | None, lead_id: int | None, now: dt.datetime
) -> UpdateOutcome:
    """Why the plan an update writes has no share of the task: no such plan (NoPlan), a past year's plan
    after its closing date, a task nobody may write, or no such task."""
    if year is None and lead_id is not None:  # a button of a past year's card writes that year
        where = await uow.evidence.plan_year_of_lead(lead_id)
        year = where[0] if where else None
    plan = await (uow.plans.plan_by_year(year) if year is not None else uow.plans.current_plan())
    if plan is None:
        raise NoPlan(year)
    if not plan_years.writable(plan.year, now.date(), plan.closes_on):
        return _closed(plan)
    exists = await uow.plans.task(plan.id, task)
    return UpdateOutcome(UpdateKind.FORBIDDEN if exists else UpdateKind.UNKNOWN_TASK)


def _closed(plan: Any) -> UpdateOutcome:
    return UpdateOutcome(
        UpdateKind.CLOSED, year=plan.year, closed_on=plan.closes_on or plan_years.default_closing(plan.year)
    )


def dated_milestones(assignment: AssignmentRecord) -> list[DatedMilestone]:
    return [DatedMilestone(m.id, m.label, m.due, m.position) for m in assignment.milestones if m.due is not None]


class StatusService:
    def __init__(self, uow: UnitOfWorkFactory, plans: PlanService, *, milestone_note: Callable[[str], str]) -> None:
        self.uow = uow
        self.plans = plans
        # a milestone's label → the note kept with an update that completed it and said nothing else
        # (presentation.status.milestone_completed_note, handed in by the bootstrap)
        self.milestone_note = milestone_note

    async def update(
        self,
        user: UserView,
        *,
        task: int,
        status: str,
        percent: int | None = None,
        note: str | None = None,
        channel: str,
        text: str | None,
        key: str | None,
        now: dt.datetime,
        lead_id: int | None = None,
        year: int | None = None,
    ) -> UpdateRecorded | UpdateOutcome:
        """Write one unit's share of a task of `year`'s plan (None: the plan of the share pressed, else the
        current plan), by the rules of `domain.shares`; a refused request (bad status, percent out of range,
        not allowed, unknown task, a past year's plan after its closing date) changes nothing."""
        try:  # refused before anything is read
            requested = parse_status(status)
            share_percent(requested, percent)
        except UnknownStatus:
            return UpdateOutcome(UpdateKind.BAD_STATUS)
        except PercentOutOfRange:
            return UpdateOutcome(UpdateKind.BAD_PERCENT)
        if not user.can_write:
            return UpdateOutcome(UpdateKind.READ_ONLY)
        try:
            async with self.uow() as uow:
                # The plan and the task's shares in one statement; a plan without a share of the task
                # (or no plan) is told apart by the reads of `_refused`. A message recorded before is
                # refused by the unique idempotency key when its row is written (`Conflict` below).
                repo = uow.statuses
                found = await repo.task_shares(task, year=year, lead_id=lead_id, today=uow.today)
                if found is None:
                    return await _refused(uow, task, year, lead_id, now)
                plan, is_current, rows = found
                past = None if is_current else plan.year
                if not plan_years.writable(plan.year, now.date(), plan.closes_on):
                    return _closed(plan)
                lead_units = list(dict.fromkeys(lead.unit_id for lead, _, _ in rows))
                allowed = writable(
                    user, rows, lambda r: r[0].unit_id,
                    chosen=(lambda r: r[0].id == lead_id) if lead_id is not None else None,
                )
                if not allowed:
                    return UpdateOutcome(UpdateKind.FORBIDDEN, lead_units=lead_units)
                if len(allowed) > 1:
                    return UpdateOutcome(UpdateKind.CHOOSE, options=[lead_view(*r) for r in allowed], lead_units=lead_units)
                lead, assignment, task_row = allowed[0]
                previous = lead.status if lead.status_at is not None else None  # None: nobody reported yet
                change = apply_update(
                    requested, percent, done_through=lead.done_through,
                    milestones=dated_milestones(assignment), today=now.date(),
                )
                if change.completed is not None and not note:
                    note = self.milestone_note(change.completed.label)
                await repo.record(
                    lead.id, status=change.recorded, percent=change.recorded_percent, note=note, user_id=user.id,
                    channel=channel, text=text, key=key, at=now,
                    milestone_id=change.completed.id if change.completed else None,
                    current=(change.status, change.percent, change.done_through),
                )
                lead = await repo.share(lead.id)
                await uow.commit()
                return UpdateRecorded(
                    lead_view(lead, assignment, task_row), previous,
                    completed=change.completed.label if change.completed else None,
                    remaining=[(m.label, m.due) for m in change.remaining], year=past,
                )
        except Conflict:  # the same message recorded before, or raced in twice: the unique key kept one
            return UpdateOutcome(UpdateKind.DUPLICATE)

    async def can_update(self, user: UserView, lead_id: int) -> LeadView | None:
        """The lead if this user may change it (re-authorises every button press)."""
        async with self.uow() as uow:
            row = await uow.statuses.lead(lead_id)
            if row is None or not may_write(user, row[0].unit_id):
                return None
            return lead_view(*row)

    async def record_trigger(self, user: UserView, *, task: int, day: dt.date) -> TriggerOutcome:
        """A coordinator records when the event a milestone waits for happened; its due date follows."""
        if coordinating(user) is not Permission.ALLOWED:
            return TriggerOutcome(TriggerKind.FORBIDDEN)
        async with self.uow() as uow:
            plan = await uow.plans.current_plan()
            task_row = await uow.plans.task(plan.id, task) if plan else None
            if task_row is None:
                return TriggerOutcome(TriggerKind.UNKNOWN_TASK)
            waiting = [m for a in task_row.assignments for m in a.milestones if m.kind in TRIGGERED]
            if not waiting:
                return TriggerOutcome(TriggerKind.NO_TRIGGER)
            await uow.plans.record_trigger(waiting, day, user.id, self.plans.trigger_due)
            outcome = TriggerOutcome(TriggerKind.RECORDED, [(m.label, m.due) for m in waiting])
            await uow.commit()
        self.plans.forget()
        return outcome

    async def history(self, task: int) -> list[tuple[str, str, int | None, str | None, dt.datetime, str, str]] | None:
        """(unit, status, percent, note, when, who, channel) of every change of a task, oldest first."""
        async with self.uow() as uow:
            plan = await uow.plans.current_plan()
            if plan is None:
                return None
            rows = await uow.statuses.leads(plan.id, task_number=task)
            if not rows and not await uow.plans.task(plan.id, task):
                return None
            units = {lead.id: lead.unit_id for lead, _, _ in rows}
            return [
                (
                    units[u.lead_id], u.status, u.percent, u.note, u.created_at,
                    (who.display_name or f"#{who.id}") if who else "?", u.channel,
                )
                for u, who in await uow.statuses.history(list(units))
            ]
