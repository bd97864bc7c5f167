"""Use cases on the plan: import a document, dump it (docs/contracts.md §2), record a trigger date."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from domain.plan import AFTER_EVENT, PERIODIC_REPORT, RELATIVE, ParsedPlan, TriggeredMilestone, trigger_due
from domain.plan_diff import PlanDiff, TaskOutline, diff_plans
from domain.reminders import before_plan
from domain.reporting import ReportingCalendar
from domain.targets import ParsedTarget, section_targets
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.errors import NoPlan
from services.views import MilestoneView
from storage.importers import parse_plan_file
from storage.uow import UnitOfWorkFactory

VERSION_TTL = 5.0  # seconds


@dataclass(frozen=True)
class AssignmentShape:
    """What lists and reminders need of an assignment besides its status: static between imports."""

    products: tuple[str, ...]
    coordinating: tuple[str, ...]
    external: tuple[str, ...]
    milestones: tuple[MilestoneView, ...]


@dataclass
class ImportResult:
    year: int
    tasks: int
    assignments: int
    milestones: int
    created: bool


def plan_targets(parsed: ParsedPlan) -> list[ParsedTarget]:
    return [t for s in parsed.sections for t in section_targets(s.number, list(s.targets))]


class PlanService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        units: UnitDirectory,
        reporting: ReportingCalendar,
        workdays: WorkingCalendar,
    ) -> None:
        self.uow = uow
        self.units = units
        self.reporting = reporting
        self.workdays = workdays
        self._version: tuple[float, tuple[int, int, dt.datetime]] | None = None
        self._structure: tuple[float, int, dict[int, AssignmentShape]] | None = None
        self._sections: tuple[tuple[int, dt.datetime | None], list[tuple[int, str, list[str]]]] | None = None

    def trigger_due(self, milestone: TriggeredMilestone) -> dt.date | None:
        """The date a relative / after-event milestone falls on once its trigger date is known."""
        return trigger_due(milestone, self.workdays)

    def parse(self, path: str | Path, year: int | None = None) -> ParsedPlan:
        return parse_plan_file(path, self.units, self.reporting, year=year)

    async def import_plan(self, path: str | Path, year: int | None = None) -> ImportResult:
        """Parse fully first, then write in one transaction: a bad file changes nothing."""
        parsed = self.parse(path, year)
        return await self.store(parsed, source=Path(path).name)

    async def store(self, parsed: ParsedPlan, source: str | None = None) -> ImportResult:
        async with self.uow() as uow:
            await uow.plans.sync_units(self.units)
            plan, created = await uow.plans.upsert(parsed, source, self.trigger_due)
            await uow.targets.sync(plan.id, plan_targets(parsed))
            await uow.commit()
        self.forget()
        assignments = sum(len(t.assignments) for t in parsed.tasks)
        milestones = sum(len(a.milestones) for t in parsed.tasks for a in t.assignments)
        return ImportResult(parsed.year, len(parsed.tasks), assignments, milestones, created)

    async def current_version(self) -> tuple[int, int, dt.datetime] | None:
        """(plan id, year, imported_at) of the current plan: the cache key of derived indexes.

        Asked on every message, so it is remembered for a few seconds; an import in this process
        forgets it at once, one in another process is seen within VERSION_TTL.
        """
        now = time.monotonic()
        if self._version is not None and now - self._version[0] < VERSION_TTL:
            return self._version[1]
        async with self.uow() as uow:
            plan = await uow.plans.current_plan()
            version = (plan.id, plan.year, plan.imported_at) if plan else None
        self._version = (now, version) if version else None
        return version

    async def structure(self, plan_id: int, *, fresh: bool = False) -> dict[int, AssignmentShape]:
        """Products, coordinating units and milestones of every assignment, remembered like the plan
        version: an import or a trigger date recorded here forgets it at once, elsewhere within
        VERSION_TTL."""
        now = time.monotonic()
        cached = self._structure
        if not fresh and cached and cached[1] == plan_id and now - cached[0] < VERSION_TTL:
            return cached[2]
        async with self.uow() as uow:
            rows = await uow.statuses.assignment_structure(plan_id)
        version = await self.current_version()
        year = version[1] if version and version[0] == plan_id else 0

        def milestone(values) -> MilestoneView:
            view = MilestoneView(*values)
            return replace(view, before_plan=True) if before_plan(view.due, year) else view

        shapes = {
            aid: AssignmentShape(
                tuple(products or ()), tuple(coord or ()), tuple(ext or ()), tuple(milestone(m) for m in ms)
            )
            for aid, (products, coord, ext, ms) in rows.items()
        }
        self._structure = (now, plan_id, shapes)
        return shapes

    async def sections(self, plan_id: int) -> list[tuple[int, str, list[str]]]:
        """(number, title, targets) of the plan's reform areas; they change only with an import, which
        gives the plan a new version (id, imported_at)."""
        version = await self.current_version()
        key = (plan_id, version[2] if version else None)
        if self._sections is None or self._sections[0] != key:
            async with self.uow() as uow:
                rows = await uow.plans.sections(plan_id)
                self._sections = (key, [(s.number, s.title, list(s.targets or [])) for s in rows])
        return self._sections[1]

    def forget(self) -> None:
        """Drop cached plan data after a change made in this process."""
        self._version = None
        self._structure = None
        self._sections = None

    async def has_plan(self) -> bool:
        async with self.uow() as uow:
            return await uow.plans.current_plan() is not None

    async def dump(self, year: int | None = None) -> dict[str, Any]:
        async with self.uow() as uow:
            repo = uow.plans
            plan = await (repo.plan_by_year(year) if year else repo.current_plan())
            if plan is None:
                raise NoPlan(year)
            plan, sections, tasks = await repo.load_full(plan.id)
            return {
                "plan": {"year": plan.year, "title": plan.title, "issuer": plan.issuer},
                "sections": [
                    {"number": s.number, "roman": s.roman, "title": s.title, "targets": list(s.targets or [])}
                    for s in sections
                ],
                "tasks": [
                    {
                        "number": t.number,
                        "section": t.section_number,
                        "title": t.title,
                        "assignments": [_assignment_json(a) for a in t.assignments],
                    }
                    for t in tasks
                ],
            }


    async def outlines(self, year: int) -> list[TaskOutline]:
        """The tasks of one year's plan as the diff compares them (lead units, deadline phrases, products
        of every assignment row together)."""
        async with self.uow() as uow:
            plan = await uow.plans.plan_by_year(year)
            if plan is None:
                raise NoPlan(year)
            _plan, _sections, tasks = await uow.plans.load_full(plan.id)
            return [
                TaskOutline(
                    number=t.number,
                    title=t.title,
                    leads=tuple(dict.fromkeys(u for a in t.assignments for u in a.lead)),
                    deadlines=tuple(a.deadline_text for a in t.assignments if a.deadline_text),
                    products=tuple(p for a in t.assignments for p in a.products),
                )
                for t in tasks
            ]

    async def diff(self, from_year: int, to_year: int) -> PlanDiff:
        """What changed from one year's plan to another's (`domain.plan_diff`)."""
        return diff_plans(from_year, await self.outlines(from_year), to_year, await self.outlines(to_year))


def _assignment_json(a) -> dict[str, Any]:
    return {
        "lead": list(a.lead),
        "coordinating": list(a.coordinating),
        "external_coordinating": list(a.external_coordinating),
        "products": list(a.products),
        "scope": a.scope,
        "milestones": [milestone_json(m) for m in a.milestones],
    }


def milestone_json(m) -> dict[str, Any]:
    """docs/contracts.md §2 shape of a stored milestone row."""
    data = {"label": m.label, "kind": m.kind, "due": m.due.isoformat() if m.due else None, "text": m.text}
    if m.kind == RELATIVE:
        data.update(offset_days=m.offset_days, working_days=bool(m.working_days), trigger=m.trigger)
    elif m.kind == AFTER_EVENT:
        data["trigger"] = m.trigger
    elif m.kind == PERIODIC_REPORT:
        data["period"] = m.period
    return data
