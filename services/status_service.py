"""Writing status: who may update which unit's share of a task, append-only history, idempotency,
and trigger dates for milestones that wait for an event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from domain.people import UserView
from domain.plan import AFTER_EVENT, RELATIVE
from services.plan_service import PlanService
from services.query_service import lead_view
from services.views import LeadView
from storage.repositories.plans import PlanRepository
from storage.repositories.statuses import StatusRepository

STATUSES = ("not_started", "in_progress", "blocked", "done")


@dataclass
class UpdateOutcome:
    """What happened to a status update request; handlers turn it into words."""

    kind: str  # recorded | duplicate | unknown_task | forbidden | read_only | choose | bad_status | no_plan
    lead: LeadView | None = None
    previous: str | None = None
    options: list[LeadView] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    completed: str | None = None  # the one milestone this "done" completed, when later ones remain
    remaining: list[tuple[str, dt.date]] = field(default_factory=list)


@dataclass
class TriggerOutcome:
    kind: str  # recorded | unknown_task | forbidden | no_trigger
    milestones: list[tuple[str, dt.date | None]] = field(default_factory=list)


def _done_step(lead, assignment, today: dt.date):
    """When «xong» completes only part of a share: (the last milestone it completes, those still
    ahead, the share's percent); None when it completes the whole share.

    A share with several dated milestones (four periodic reports, or «Ban hành Kế hoạch: Quý I» then
    «Thực hiện: Cả năm») is done milestone by milestone — everything already due, or else the next
    one — so that reporting the first report sent does not silence the reminders of the next ones."""
    dated = sorted((m for m in assignment.milestones if m.due is not None), key=lambda m: (m.due, m.position))
    ahead = [m for m in dated if lead.done_through is None or m.due > lead.done_through]
    reached = [m for m in ahead if m.due <= today] or ahead[:1]
    left = ahead[len(reached):]
    if not left:
        return None
    done_count = len(dated) - len(left)
    return reached[-1], left, round(100 * done_count / len(dated))


class StatusService:
    def __init__(self, sessions: async_sessionmaker, plans: PlanService) -> None:
        self.sessions = sessions
        self.plans = plans

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
    ) -> UpdateOutcome:
        if status not in STATUSES:
            return UpdateOutcome("bad_status")
        if not user.can_write:
            return UpdateOutcome("read_only")
        if status == "done":
            percent = 100
        elif status == "not_started":
            percent = None
        elif percent is not None:
            percent = max(0, min(100, percent))
        try:
            async with self.sessions() as session, session.begin():
                plan = await PlanRepository(session).current_plan()
                if plan is None:
                    return UpdateOutcome("no_plan")
                repo = StatusRepository(session)
                if key and await repo.key_seen(key):
                    return UpdateOutcome("duplicate")
                rows = await repo.leads(plan.id, task_number=task)
                if not rows:
                    exists = await PlanRepository(session).task(plan.id, task)
                    return UpdateOutcome("forbidden" if exists else "unknown_task")
                lead_units = list(dict.fromkeys(lead.unit_id for lead, _, _ in rows))
                allowed = [r for r in rows if user.is_coordinator or r[0].unit_id == user.unit_id]
                if lead_id is not None:
                    allowed = [r for r in allowed if r[0].id == lead_id]
                elif user.is_coordinator and len(allowed) > 1:
                    own = [r for r in allowed if r[0].unit_id == user.unit_id]
                    allowed = own or allowed
                if not allowed:
                    return UpdateOutcome("forbidden", lead_units=lead_units)
                if len(allowed) > 1:
                    return UpdateOutcome("choose", options=[lead_view(*r) for r in allowed], lead_units=lead_units)
                lead, assignment, task_row = allowed[0]
                previous = lead.status
                step = _done_step(lead, assignment, now.date()) if status == "done" else None
                if step and not note:
                    note = f"hoàn thành mốc «{step[0].label}»"
                await repo.record(
                    lead, status=status, percent=percent, note=note, user_id=user.id, channel=channel,
                    text=text, key=key, at=now, milestone_id=step[0].id if step else None,
                )
                completed, remaining = None, []
                if step:  # one milestone done, later ones still ahead: the share goes on
                    milestone, remaining_milestones, share = step
                    lead.status, lead.percent, lead.done_through = "in_progress", share, milestone.due
                    completed = milestone.label
                    remaining = [(m.label, m.due) for m in remaining_milestones]
                elif status == "done":
                    dated = [m.due for m in assignment.milestones if m.due is not None]
                    lead.done_through = max(dated) if dated else None
                elif status == "not_started":
                    lead.done_through = None
                return UpdateOutcome(
                    "recorded", lead=lead_view(lead, assignment, task_row), previous=previous,
                    completed=completed, remaining=remaining,
                )
        except IntegrityError:  # the same message raced in twice: the unique key kept one
            return UpdateOutcome("duplicate")

    async def can_update(self, user: UserView, lead_id: int) -> LeadView | None:
        """The lead if this user may change it (re-authorises every button press)."""
        async with self.sessions() as session:
            row = await StatusRepository(session).lead(lead_id)
            if row is None or not user.can_write:
                return None
            if not (user.is_coordinator or row[0].unit_id == user.unit_id):
                return None
            return lead_view(*row)

    async def record_trigger(self, user: UserView, *, task: int, day: dt.date) -> TriggerOutcome:
        """A coordinator records when the event a milestone waits for happened; its due date follows."""
        if not user.is_coordinator:
            return TriggerOutcome("forbidden")
        async with self.sessions() as session, session.begin():
            repo = PlanRepository(session)
            plan = await repo.current_plan()
            task_row = await repo.task(plan.id, task) if plan else None
            if task_row is None:
                return TriggerOutcome("unknown_task")
            waiting = [m for a in task_row.assignments for m in a.milestones if m.kind in (RELATIVE, AFTER_EVENT)]
            if not waiting:
                return TriggerOutcome("no_trigger")
            for milestone in waiting:
                milestone.trigger_date = day
                milestone.trigger_recorded_by = user.id
                milestone.due = self.plans.trigger_due(milestone)
            outcome = TriggerOutcome("recorded", [(m.label, m.due) for m in waiting])
        self.plans.forget()
        return outcome

    async def history(self, task: int) -> list[tuple[str, str, int | None, str | None, dt.datetime, str, str]] | None:
        """(unit, status, percent, note, when, who, channel) of every change of a task, oldest first."""
        async with self.sessions() as session:
            plan = await PlanRepository(session).current_plan()
            if plan is None:
                return None
            repo = StatusRepository(session)
            rows = await repo.leads(plan.id, task_number=task)
            if not rows and not await PlanRepository(session).task(plan.id, task):
                return None
            units = {lead.id: lead.unit_id for lead, _, _ in rows}
            return [
                (
                    units[u.lead_id], u.status, u.percent, u.note, u.created_at,
                    (who.display_name or f"#{who.id}") if who else "?", u.channel,
                )
                for u, who in await repo.history(list(units))
            ]
