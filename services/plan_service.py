"""Use cases on the plan: import a document, dump it (docs/contracts.md §2), record a trigger date."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from domain.people import UserView
from domain.plan import (
    AFTER_EVENT,
    NEEDS_DATE,
    PERIODIC_REPORT,
    RELATIVE,
    ParsedPlan,
    PlanTexts,
    TriggeredMilestone,
    trigger_due,
)
from domain.plan_diff import PlanDiff, TaskOutline, diff_plans
from domain.plan_years import default_closing
from domain.reminders import before_plan
from domain.reporting import ReportingCalendar
from domain.targets import ParsedTarget, section_targets
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.errors import NoPlan
from services.views import MilestoneView
from storage.importers import parse_plan_file
from storage.uow import UnitOfWork, UnitOfWorkFactory

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
    # (task number, phrase) of each milestone imported without a date (docs/contracts.md §2)
    needs_date: list[tuple[int, str]] = field(default_factory=list)
    # (task number, unit name as written, the directory's closest unit or None) of lead units not found
    unknown_units: list[tuple[int, str, str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class DeadlineOutcome:
    """What «nv 3 hạn 30/06» did: kind is set, forbidden, unknown_task, no_plan or nothing_to_set."""

    kind: str
    labels: tuple[str, ...] = ()
    day: dt.date | None = None


@dataclass(frozen=True)
class PlanYear:
    """One stored year's plan: until when it takes late updates, and whether it answers by default."""

    year: int
    closes_on: dt.date
    current: bool


def undated_phrases(parsed: ParsedPlan) -> list[tuple[int, str]]:
    """(task number, phrase) of each distinct milestone the grammar could not date, in plan order."""
    found: list[tuple[int, str]] = []
    for task in parsed.tasks:
        for assignment in task.assignments:
            for milestone in assignment.milestones:
                item = (task.number, milestone.text)
                if milestone.kind == NEEDS_DATE and item not in found:
                    found.append(item)
    return found


def unknown_units(parsed: ParsedPlan, units: UnitDirectory) -> list[tuple[int, str, str | None]]:
    """(task, name as written, suggested unit) of each lead unit the directory does not know."""
    found: list[tuple[int, str, str | None]] = []
    for task in parsed.tasks:
        for assignment in task.assignments:
            for name in assignment.unknown_leads:
                if all((task.number, name) != (t, n) for t, n, _ in found):
                    found.append((task.number, name, units.suggest(name)))
    return found


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
        # per year named in a question («năm 2022 …»): (when read, version), like the current plan's
        self._years: dict[int, tuple[float, tuple[int, int, dt.datetime]]] = {}
        # tasks per plan version: only an import changes them, and it gives the plan a new version
        self._task_counts: dict[tuple[int, int, dt.datetime], int] = {}
        self._structure: tuple[float, int, dict[int, AssignmentShape]] | None = None
        self._sections: tuple[tuple[int, dt.datetime | None], list[tuple[int, str, list[str]]]] | None = None

    def trigger_due(self, milestone: TriggeredMilestone) -> dt.date | None:
        """The date a relative / after-event milestone falls on once its trigger date is known."""
        return trigger_due(milestone, self.workdays)

    def parse(self, path: str | Path, year: int | None = None) -> ParsedPlan:
        return parse_plan_file(path, self.units, self.reporting, year=year)

    def check(self, path: str | Path, year: int | None = None) -> dict[str, Any]:
        """What a document says, read without storing it (`plan check`, docs/contracts.md §2): each task's
        rows with their units and each deadline phrase with its milestones, the phrases that need a date
        and the lead units the directory does not know, with the closest unit it does."""
        parsed = self.parse(path, year)
        tasks = [
            {
                "number": t.number, "section": t.section, "title": t.title,
                "assignments": [
                    {
                        **_assignment_json(a), "lead_text": a.lead_text, "deadline_text": a.deadline_text,
                        "unknown_lead": list(a.unknown_leads),
                    }
                    for a in t.assignments
                ],
            }
            for t in parsed.tasks
        ]
        return {
            "plan": {"year": parsed.year, "title": parsed.title, "issuer": parsed.issuer},
            "sections": [{"number": s.number, "roman": s.roman, "title": s.title} for s in parsed.sections],
            "tasks": tasks,
            "needs_date": [{"task": t, "text": text} for t, text in undated_phrases(parsed)],
            "unknown_units": [
                {"task": t, "name": name, "suggestion": suggestion} for t, name, suggestion in unknown_units(parsed, self.units)
            ],
        }

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
        return ImportResult(
            parsed.year, len(parsed.tasks), assignments, milestones, created, undated_phrases(parsed),
            unknown_units(parsed, self.units),
        )

    async def needs_date(self) -> list[tuple[int, str, str]]:
        """(task, label, phrase) of the current plan's milestones that still need a date."""
        async with self.uow() as uow:
            plan = await uow.plans.current_plan()
            return await uow.plans.needs_date(plan.id) if plan else []

    async def set_deadline(self, user: UserView, *, task: int, day: dt.date) -> DeadlineOutcome:
        """A coordinator dates the milestones of a task that were imported without one («nv 3 hạn 30/06»).
        A re-import of the same phrase keeps the date (storage/repositories/plans.py)."""
        if not user.is_coordinator:
            return DeadlineOutcome("forbidden")
        async with self.uow() as uow:
            plan = await uow.plans.current_plan()
            if plan is None:
                return DeadlineOutcome("no_plan")
            task_row = await uow.plans.task(plan.id, task)
            if task_row is None:
                return DeadlineOutcome("unknown_task")
            waiting = [m for a in task_row.assignments for m in a.milestones if m.kind == NEEDS_DATE]
            if not waiting:
                return DeadlineOutcome("nothing_to_set")
            labels = tuple(dict.fromkeys(m.label for m in waiting))
            await uow.plans.set_due(waiting, day)
            await uow.commit()
        self.forget()
        return DeadlineOutcome("set", labels, day)

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

    async def version(self, year: int | None = None) -> tuple[int, int, dt.datetime] | None:
        """(plan id, year, imported_at) of `year`'s plan, or of the current plan when no year is named.

        Remembered per year like the current plan's (`current_version`): an import or a closing in this
        process forgets it at once, one in another process is seen within VERSION_TTL. A year without a
        plan is not remembered — its import answers at once."""
        if year is None:
            return await self.current_version()
        now = time.monotonic()
        cached = self._years.get(year)
        if cached is not None and now - cached[0] < VERSION_TTL:
            return cached[1]
        async with self.uow() as uow:
            plan = await uow.plans.plan_by_year(year)
            version = (plan.id, plan.year, plan.imported_at) if plan else None
        if version is None:
            self._years.pop(year, None)
        else:
            self._years[year] = (now, version)
        return version

    async def task_count(self, version: tuple[int, int, dt.datetime]) -> int:
        """How many tasks the plan of this version (`version()`) has: read once per version."""
        count = self._task_counts.get(version)
        if count is None:
            async with self.uow() as uow:
                count = await uow.plans.task_count(version[0])
            if len(self._task_counts) >= 8:  # a few years' plans, re-imported now and then
                self._task_counts.clear()
            self._task_counts[version] = count
        return count

    async def stored_years(self) -> list[int]:
        async with self.uow() as uow:
            return await uow.plans.years()

    async def years(self) -> list[PlanYear]:
        """Every stored year's plan with its closing date, oldest first (`cchc-bot plan years`)."""
        async with self.uow() as uow:
            current = await uow.plans.current_plan()
            return [
                PlanYear(plan.year, plan.closes_on or default_closing(plan.year), current is not None and plan.id == current.id)
                for plan in await uow.plans.all_plans()
            ]

    async def close(self, year: int, day: dt.date | None) -> PlanYear:
        """The Văn phòng sets the day after which `year`'s plan only reads (None: back to 31 January of the
        next year). NoPlan when there is no such plan."""
        async with self.uow() as uow:
            plan = await uow.plans.plan_by_year(year)
            if plan is None:
                raise NoPlan(year)
            await uow.plans.set_closing(plan.id, day)
            current = await uow.plans.current_plan()
            closed = PlanYear(year, day or default_closing(year), current is not None and current.id == plan.id)
            await uow.commit()
        self.forget()
        return closed

    async def structure(
        self, plan_id: int, *, fresh: bool = False, year: int | None = None
    ) -> dict[int, AssignmentShape]:
        """Products, coordinating units and milestones of every assignment, remembered like the plan
        version: an import or a trigger date recorded here forgets it at once, elsewhere within
        VERSION_TTL."""
        now = time.monotonic()
        cached = self._structure
        if not fresh and cached and cached[1] == plan_id and now - cached[0] < VERSION_TTL:
            return cached[2]
        async with self.uow() as uow:
            rows = await uow.statuses.assignment_structure(plan_id)
        if year is None:
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
        self._years.clear()
        self._task_counts.clear()
        self._structure = None
        self._sections = None

    async def has_plan(self) -> bool:
        async with self.uow() as uow:
            return await uow.plans.current_plan() is not None

    async def texts(self) -> PlanTexts:
        """The current plan's task and area words (what the NLU's task index is built from), in two
        light statements instead of the whole dump. NoPlan when there is none."""
        async with self.uow() as uow:
            plan = await uow.plans.current_plan()
            if plan is None:
                raise NoPlan(None)
            tasks = await uow.plans.task_texts(plan.id)
        sections = await self.sections(plan.id)
        return PlanTexts(tuple(tasks), tuple((number, title) for number, title, _ in sections))

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
            found = await plan_outlines(uow, year)
        if found is None:
            raise NoPlan(year)
        return found

    async def diff(self, from_year: int, to_year: int) -> PlanDiff:
        """What changed from one year's plan to another's (`domain.plan_diff`)."""
        return diff_plans(from_year, await self.outlines(from_year), to_year, await self.outlines(to_year))


async def plan_outlines(uow: UnitOfWork, year: int) -> list[TaskOutline] | None:
    """The tasks of `year`'s plan as `domain.plan_diff` compares them (None: no such plan); also read by the
    new year's first message (services/reminders/planning.py)."""
    plan = await uow.plans.plan_by_year(year)
    if plan is None:
        return None
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
    if getattr(m, "recurrence", None):
        data["recurrence"] = m.recurrence
    return data
