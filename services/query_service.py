"""Read side: what is due, what a task is, how far a unit has got. No writes here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from typing import Any

from domain.plan import AFTER_EVENT, NEEDS_DATE, RELATIVE, YEAR_ROUND
from domain.projection import Counts, ShareState, effective_due
from domain.shares import OPEN_STATUSES, Status, Workdays
from domain.units import UnitDirectory
from services.errors import NoPlan
from services.plan_service import AssignmentShape, PlanService
from services.projection_service import LeadFacts, ProjectionService
from services.views import LeadView, ListItem, MilestoneView, StatusLine, TaskDetail, TaskList
from storage.repositories.statuses import AssignmentRecord, ShareRecord, TaskRecord
from storage.uow import UnitOfWorkFactory


def lead_view(lead: ShareRecord, assignment: AssignmentRecord, task: TaskRecord) -> LeadView:
    """The view of a (share, assignment, task) record of `StatusRepository.leads` / `.lead`."""
    return LeadView(
        lead_id=lead.id, unit_id=lead.unit_id, task_number=task.number, task_title=task.title,
        section=task.section_number, assignment_id=assignment.id, assignment_position=assignment.position,
        scope=assignment.scope, status=lead.status, percent=lead.percent, status_at=lead.status_at,
        milestones=tuple(
            MilestoneView(m.id, m.label, m.kind, m.text, m.due, m.period, m.trigger, m.trigger_date)
            for m in assignment.milestones
        ),
        products=tuple(assignment.products or ()), coordinating=tuple(assignment.coordinating or ()),
        external_coordinating=tuple(assignment.external_coordinating or ()), done_through=lead.done_through,
    )


def is_overdue(milestone: MilestoneView, lead: LeadView, today: dt.date, workdays: Workdays) -> bool:
    return lead.overdue(milestone, today, workdays)


NO_SHAPE = AssignmentShape((), (), (), ())  # a share whose assignment the structure does not hold
VIEWS_KEPT = 20_000  # share views remembered (a few plans' shares at a few dates)


class QueryService:
    def __init__(
        self, uow: UnitOfWorkFactory, units: UnitDirectory, plans: PlanService, projections: ProjectionService
    ) -> None:
        self.uow = uow
        self.units = units
        self.plans = plans
        self.projections = projections
        # The view of each share last built, per (share, date of the projection), with the facts, state
        # and shape it was built from: the projection keeps those objects while they hold (a catch-up
        # replaces the ones that changed), so the same three objects mean the same view.
        self._views: dict[tuple[int, dt.date], tuple[LeadFacts, ShareState, AssignmentShape, LeadView]] = {}

    async def plan_info(self, year: int | None = None) -> tuple[int, int, int] | None:
        """(plan id, year, number of tasks) of `year`'s plan (None: the current plan)."""
        version = await self.plans.version(year)
        if version is None:
            return None
        return version[0], version[1], await self.plans.task_count(version)

    async def past_year(self, year: int | None) -> int | None:
        """The year named in a question when it is not the current plan's (None: the current plan answers).
        NoPlan when no plan of that year is stored."""
        if year is None:
            return None
        current = await self.plans.current_version()
        if current is not None and current[1] == year:
            return None
        if await self.plans.version(year) is None:
            raise NoPlan(year)
        return year

    async def _plan_id(self, year: int | None = None) -> int:
        version = await self.plans.version(year)
        if version is None:
            raise NoPlan()
        return version[0]

    async def leads(
        self, *, unit_ids: list[str] | None = None, task: int | None = None, today: dt.date | None = None,
        year: int | None = None, tasks: Collection[int] | None = None,
    ) -> list[LeadView]:
        """Every share (of the units, the task or the tasks asked) of `year`'s plan (None: the current plan) as the
        projection states it at the end of `today` (no date: with every recorded update) — status, percent
        and milestones' completion all come from `domain.projection`, so a list, a card and a count cannot
        disagree."""
        snap = await self.projections.snapshot(today, unit_ids=unit_ids, task=task, year=year, tasks=tasks)
        at = snap.projection.at
        if len(self._views) > VIEWS_KEPT:
            self._views.clear()
        views = []
        for f, state in zip(snap.facts, snap.projection.shares, strict=True):
            shape = snap.shapes.get(f.assignment_id, NO_SHAPE)
            kept = self._views.get((f.lead_id, at))
            if kept is not None and kept[0] is f and kept[1] is state and kept[2] is shape:
                views.append(kept[3])
                continue
            view = LeadView(
                lead_id=f.lead_id, unit_id=f.unit_id, task_number=f.task, task_title=f.title, section=f.section,
                assignment_id=f.assignment_id, assignment_position=f.assignment_position, scope=f.scope,
                status=state.status.value, percent=state.percent, status_at=f.status_at if state.updated else None,
                milestones=shape.milestones, products=shape.products, coordinating=shape.coordinating,
                external_coordinating=shape.external, done_through=state.done_through, state=state,
            )
            self._views[(f.lead_id, at)] = (f, state, shape, view)
            views.append(view)
        return views

    async def shares(self, *, task: int, year: int | None = None) -> list[LeadFacts]:
        """The shares of one task (who leads it, which part of the row), without their status: the
        projection's plan as last read (`ProjectionService.shares`)."""
        return await self.projections.shares(task=task, year=year)

    async def list_tasks(
        self,
        *,
        unit_ids: list[str] | None,
        period: tuple[dt.date, dt.date] | None,
        status: str | None,
        today: dt.date,
        year: int | None = None,
    ) -> TaskList:
        """Milestones of the units' assignments: dated ones in the period first (by date), then
        year-round work, then those waiting for a trigger, then those without a fixed date."""
        items: list[ListItem] = []
        for lead in await self.leads(unit_ids=unit_ids, today=today, year=year):
            if not _status_matches(lead.status, status):
                continue
            for m in lead.milestones:
                item = _classify(lead, m, period, status, today, self.plans.workdays)
                if item:
                    items.append(item)
        order = {"dated": 0, "needs_date": 1, "year_round": 2, "waiting": 3, "undated": 4}  # what needs action first
        items.sort(key=lambda i: (order[i.group], i.milestone.due or dt.date.max, i.lead.task_number, i.lead.unit_id))
        return TaskList(items=items, units=unit_ids, period=period, status=status)

    async def task_detail(
        self, number: int, today: dt.date | None = None, year: int | None = None
    ) -> TaskDetail | None:
        views = await self.leads(task=number, today=today, year=year)
        if not views:
            return None
        sections = await self.plans.sections(await self._plan_id(year))
        lead_ids = [v.lead_id for v in views]
        async with self.uow() as uow:
            latest, evidence = await uow.statuses.card_notes(lead_ids)
        assignments: list[dict[str, Any]] = []
        for v in views:
            if not assignments or assignments[-1]["id"] != v.assignment_id:
                assignments.append({
                    "id": v.assignment_id, "position": v.assignment_position, "lead": [],
                    "coordinating": list(v.coordinating), "external": list(v.external_coordinating),
                    "products": list(v.products), "scope": v.scope, "milestones": list(v.milestones),
                })
            assignments[-1]["lead"].append(v.unit_id)
        statuses = []
        for v in views:
            note, by = latest.get(v.lead_id, (None, None))
            statuses.append(
                StatusLine(
                    unit_id=v.unit_id, status=v.status, percent=v.percent, at=v.status_at, by=by, note=note,
                    evidence=evidence.get(v.lead_id, 0), updated=v.updated,
                )
            )
        first = views[0]
        section_title = next((title for n, title, _ in sections if n == first.section), "")
        return TaskDetail(number, first.task_title, first.section, section_title, views, statuses, assignments)

    async def progress(
        self, unit_ids: list[str] | None, today: dt.date, year: int | None = None
    ) -> dict[str, Counter[str]]:
        """Counts of shares per status (plus 'overdue', 'total') per unit of `year`'s plan (None: the
        current one); key '*' holds the total — the projection's counts (`domain.projection.count_shares`),
        per unit."""
        projection = await self.projections.at(today, unit_ids=unit_ids, year=year)
        result: dict[str, Counter[str]] = {"*": share_counter(projection.counts())}
        for unit in dict.fromkeys(s.unit_id for s in projection.shares):
            result[unit] = share_counter(projection.counts(unit))
        return result

    async def targets(self, year: int | None = None) -> list[tuple[int, str, list[str]]]:
        return await self.plans.sections(await self._plan_id(year))

def share_counter(counts: Counts) -> Counter[str]:
    """The projection's share counts in the keys the chat's wording and charts read (status words,
    'overdue', 'total', 'not_updated')."""
    c = counts.as_contract()
    return Counter({
        "total": c["shares"], "done": c["done"], "in_progress": c["in_progress"], "blocked": c["blocked"],
        "not_started": c["not_started"], "overdue": c["overdue"], "done_late": c["done_late"],
        "not_updated": counts.not_updated,
    })


def _status_matches(current: str, wanted: str | None) -> bool:
    if wanted in (None, "overdue"):
        return wanted is None or current != Status.DONE
    if wanted == "open":
        return current in OPEN_STATUSES
    return current == wanted


def _classify(
    lead: LeadView, m: MilestoneView, period: tuple[dt.date, dt.date] | None, status: str | None, today: dt.date,
    workdays: Workdays,
) -> ListItem | None:
    if status == "overdue":
        late = is_overdue(m, lead, today, workdays)
        return ListItem(lead, m, "dated") if late and m.kind != YEAR_ROUND else (
            ListItem(lead, m, "year_round") if late else None
        )
    if status == "open" and lead.milestone_done(m):
        return None
    if m.kind == YEAR_ROUND and m.due is not None:  # due: 31/12 of the plan's year
        if period is None or (period[0] <= m.due and period[1] >= m.due.replace(month=1, day=1)):
            return ListItem(lead, m, "year_round")
        return None
    if m.due is not None:
        # the period holds the deadline's effective due date — the working day it moves to when it falls on a
        # day off, which is the date the list prints (docs/contracts.md §3, "Periods")
        due = effective_due(m.due, workdays)
        if period is None or (due is not None and period[0] <= due <= period[1]):
            return ListItem(lead, m, "dated")
        return None
    if m.kind in (RELATIVE, AFTER_EVENT):
        return ListItem(lead, m, "waiting")
    if m.kind == NEEDS_DATE:  # no date yet: listed with the undated work until a coordinator sets one
        return ListItem(lead, m, "needs_date") if period is None else None
    return ListItem(lead, m, "undated") if period is None else None
