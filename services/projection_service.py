"""The projection as a use case: read the plan's shares and their recorded history through the unit of
work (plain frozen records), replay them with `domain.projection.project` and hand back the state of
every share at the end of a date. Every read of a status, a lateness or a count goes through here
(docs/contracts.md §7); `status_json` is the `cchc-bot status --at` document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from domain.projection import PlanMilestone, PlanShare, Projection, RecordedUpdate, ShareState, project
from services.errors import NoPlan
from services.plan_service import AssignmentShape, PlanService
from storage.repositories.statuses import HistoryRecord
from storage.uow import UnitOfWorkFactory

# Replaying «as of now» (no date asked): every recorded update is seen.
EVERYTHING = dt.date.max


@dataclass(frozen=True)
class LeadFacts:
    """What the lists need of a share besides its projected state (plain values from one row)."""

    lead_id: int
    unit_id: str
    assignment_id: int
    assignment_position: int
    scope: str | None
    task: int
    title: str
    section: int
    status_at: dt.datetime | None


@dataclass(frozen=True)
class Snapshot:
    """One read of the plan: its id and year, each share's facts and shape, and the projection."""

    plan_id: int
    year: int
    facts: tuple[LeadFacts, ...]
    shapes: dict[int, AssignmentShape]
    projection: Projection

    def states(self) -> dict[int, ShareState]:
        return self.projection.by_lead()


@dataclass(frozen=True)
class Inputs:
    """The plan's shares and their history, read once (what the projection replays)."""

    plan_id: int
    year: int
    facts: tuple[LeadFacts, ...]
    shapes: dict[int, AssignmentShape]
    shares: tuple[PlanShare, ...]
    updates: tuple[RecordedUpdate, ...]

    def narrowed(self, unit_ids: list[str] | None, task: int | None) -> Inputs:
        """The same inputs for some units' shares, or one task's."""
        if unit_ids is None and task is None:
            return self
        units = set(unit_ids) if unit_ids is not None else None
        keep = [
            i for i, f in enumerate(self.facts)
            if (units is None or f.unit_id in units) and (task is None or f.task == task)
        ]
        leads = {self.facts[i].lead_id for i in keep}
        return Inputs(
            self.plan_id, self.year, tuple(self.facts[i] for i in keep), self.shapes,
            tuple(self.shares[i] for i in keep), tuple(u for u in self.updates if u.lead_id in leads),
        )


HistoryKey = tuple[int, dt.datetime, tuple[int | None, int]]


class ProjectionService:
    def __init__(self, uow: UnitOfWorkFactory, plans: PlanService, tz: dt.tzinfo) -> None:
        self.uow = uow
        self.plans = plans
        self.tz = tz
        self._cached: tuple[HistoryKey, dict[int, AssignmentShape], Inputs] | None = None

    def day_of(self, at: dt.datetime) -> dt.date:
        """The local day of a recorded time (aware times are converted; naive ones — SQLite drops the
        offset — are already local wall time, as the status service writes them)."""
        return at.astimezone(self.tz).date() if at.tzinfo else at.date()

    async def at(
        self, day: dt.date, *, unit_ids: list[str] | None = None, task: int | None = None, fresh: bool = False,
        year: int | None = None,
    ) -> Projection:
        """Every share (of the units / the task asked) of `year`'s plan (None: the current plan) at the end
        of `day`; NoPlan without such a plan."""
        return (await self.snapshot(day, unit_ids=unit_ids, task=task, fresh=fresh, year=year)).projection

    async def snapshot(
        self, day: dt.date | None, *, unit_ids: list[str] | None = None, task: int | None = None, fresh: bool = False,
        year: int | None = None,
    ) -> Snapshot:
        """One read and the projection at the end of `day` (None: with every recorded update)."""
        data = await self.inputs(unit_ids=unit_ids, task=task, fresh=fresh, year=year)
        projection = project(data.shares, data.updates, day or EVERYTHING, self.plans.workdays, plan_year=data.year)
        return Snapshot(data.plan_id, data.year, data.facts, data.shapes, projection)

    async def inputs(
        self, *, unit_ids: list[str] | None = None, task: int | None = None, fresh: bool = False,
        year: int | None = None,
    ) -> Inputs:
        """What `domain.projection.project` replays: the shares asked and all their recorded history.

        The whole plan's inputs are remembered while the history (its newest id and size), the plan's
        version and its milestones stay the same — one cheap query tells — so that the questions
        between two updates do not read the history again."""
        version = await self.plans.version(year)
        if version is None:
            raise NoPlan(year)
        plan_id, year = version[0], version[1]
        shapes = await self.plans.structure(plan_id, year=year)
        async with self.uow() as uow:
            key = (plan_id, version[2], await uow.statuses.history_mark())
            cached = self._cached
            if not fresh and cached is not None and cached[0] == key and cached[1] == shapes:
                return cached[2].narrowed(unit_ids, task)
            rows = await uow.statuses.lead_rows(plan_id)
            history = await uow.statuses.replay_history(plan_id)
        if any(row[6] not in shapes for row in rows):  # the plan changed under a cached structure
            shapes = await self.plans.structure(plan_id, fresh=True, year=year)
        facts = tuple(
            LeadFacts(lid, unit, aid, position, scope, number, title, section, status_at)
            for lid, unit, _s, _p, status_at, _d, aid, position, scope, number, title, section in rows
        )
        shares = tuple(self._plan_share(f, shapes.get(f.assignment_id)) for f in facts)
        whole = Inputs(plan_id, year, facts, shapes, shares, self._updates(history))
        self._cached = (key, shapes, whole)
        return whole.narrowed(unit_ids, task)

    def _updates(self, history: list[HistoryRecord]) -> tuple[RecordedUpdate, ...]:
        return tuple(RecordedUpdate(h.lead_id, h.status, h.percent, self.day_of(h.created_at), h.milestone_id) for h in history)

    @staticmethod
    def _plan_share(f: LeadFacts, shape: AssignmentShape | None) -> PlanShare:
        milestones = tuple(
            PlanMilestone(m.id, m.label, m.kind, m.due, i) for i, m in enumerate(shape.milestones if shape else ())
        )
        return PlanShare(f.lead_id, f.task, f.unit_id, f.assignment_id, milestones, f.section, f.assignment_position)

    async def status_json(self, day: dt.date, *, unit_id: str | None = None, year: int | None = None) -> dict[str, Any]:
        """The `cchc-bot status --at DATE [--unit U] [--year Y] --json` document (docs/contracts.md §7):
        `year`'s plan, else the plan of the date's year when there is one, else the current plan."""
        if year is None and day.year in await self.plans.stored_years():
            year = day.year
        projection = await self.at(day, unit_ids=[unit_id] if unit_id else None, year=year)
        return {
            "at": day.isoformat(),
            "plan_year": projection.plan_year,
            "counts": projection.counts().as_contract(),
            "shares": [share_json(s) for s in projection.shares],
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def share_json(s: ShareState) -> dict[str, Any]:
    return {
        "task": s.task, "unit": s.unit_id, "status": s.status.value, "percent": s.percent, "overdue": s.overdue,
        "done_on": _iso(s.done_on), "done_late": s.done_late,
        "milestones": [
            {"label": m.label, "due": _iso(m.due), "effective_due": _iso(m.effective_due),
             "done_on": _iso(m.done_on), "done_late": m.done_late}
            for m in s.milestones
        ],
    }
