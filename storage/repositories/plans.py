"""Reading and writing the plan (plans, sections, tasks, assignments, lead units, milestones)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import ScalarSelect, Select, bindparam, case, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.plan import DATE, NEEDS_DATE, ParsedAssignment, ParsedPlan
from domain.units import UnitDirectory
from storage.models import (
    Assignment,
    AssignmentLead,
    Invite,
    Milestone,
    Plan,
    ReminderDelivery,
    ReminderScope,
    Section,
    TargetFigure,
    Task,
    Unit,
    User,
    WebSession,
    WebSignIn,
)

PlanTable = Section | Task | Assignment | AssignmentLead | Milestone  # what `_write` batches

TriggerDue = Callable[[Milestone], dt.date | None]


class PlanRepository:
    def __init__(self, session: AsyncSession, today: Callable[[], dt.date] | None = None) -> None:
        self.session = session
        self.today = today

    # -- units ------------------------------------------------------------------------------------
    async def sync_units(self, directory: UnitDirectory) -> None:
        existing = {u.id: u for u in (await self.session.scalars(select(Unit))).all()}
        for unit in directory.units:
            row = existing.get(unit.id)
            if row is None:
                self.session.add(Unit(id=unit.id, name=unit.name, kind=unit.kind))
            else:
                row.name, row.kind = unit.name, unit.kind
        await self.session.flush()
        for old, new in directory.renamed().items():
            if old in existing:
                await self.move_unit(old, new)

    async def move_unit(self, old: str, new: str) -> None:
        """A unit renamed or merged (`formerly:` in units.yaml): its people, shares, figures, scopes and
        sign-ins move to the unit that carries it on, so its history reads under the new name. A share both
        units led (a merger) stays with the old id rather than be merged into the new one's."""
        taken = select(AssignmentLead.assignment_id).where(AssignmentLead.unit_id == new)
        await self.session.execute(
            update(AssignmentLead)
            .where(AssignmentLead.unit_id == old, AssignmentLead.assignment_id.not_in(taken))
            .values(unit_id=new)
        )
        scoped = select(ReminderScope.assignment_id).where(ReminderScope.unit_id == new)
        await self.session.execute(
            update(ReminderScope)
            .where(ReminderScope.unit_id == old, ReminderScope.assignment_id.not_in(scoped))
            .values(unit_id=new)
        )
        for model in (User, Invite, TargetFigure, ReminderDelivery, WebSignIn, WebSession):
            await self.session.execute(update(model).where(model.unit_id == old).values(unit_id=new))
        for assignment in (await self.session.scalars(select(Assignment))).all():
            lead = [new if u == old else u for u in assignment.lead]
            coordinating = [new if u == old else u for u in assignment.coordinating]
            if lead != assignment.lead or coordinating != assignment.coordinating:
                assignment.lead = list(dict.fromkeys(lead))
                assignment.coordinating = list(dict.fromkeys(coordinating))
        await self.session.flush()

    # -- reading ----------------------------------------------------------------------------------
    async def current_plan(self) -> Plan | None:
        """The plan the bot talks about when no year is named: today's year's, else the latest
        (`domain.plan_years.current_year`), in one statement — every status update asks."""
        if self.today is None:
            return await self.session.scalar(_current_plan_query(False))
        return await self.session.scalar(_current_plan_query(True), {"year": self.today().year})

    async def years(self) -> list[int]:
        return list((await self.session.scalars(select(Plan.year).order_by(Plan.year))).all())

    async def all_plans(self) -> list[Plan]:
        return list((await self.session.scalars(select(Plan).order_by(Plan.year))).all())

    async def set_closing(self, plan_id: int, day: dt.date | None) -> None:
        """The day after which a past year's plan only reads (None: the default, domain.plan_years)."""
        await self.session.execute(update(Plan).where(Plan.id == plan_id).values(closes_on=day))

    async def plan_by_year(self, year: int) -> Plan | None:
        return await self.session.scalar(select(Plan).where(Plan.year == year))

    async def load_full(self, plan_id: int) -> tuple[Plan, list[Section], list[Task]]:
        plan = await self.session.get(Plan, plan_id)
        if plan is None:
            raise LookupError(f"no plan {plan_id}")
        sections = await self.sections(plan_id)
        tasks = (
            await self.session.scalars(
                select(Task)
                .where(Task.plan_id == plan_id)
                .order_by(Task.number)
                .options(
                    selectinload(Task.assignments).selectinload(Assignment.milestones),
                    selectinload(Task.assignments).selectinload(Assignment.leads),
                )
            )
        ).all()
        return plan, list(sections), list(tasks)

    async def task_texts(self, plan_id: int) -> list[tuple[int, str, tuple[str, ...]]]:
        """(number, title, products of all its assignment rows) per task, in plan order: the words the NLU
        matches a task's description against, read without loading the plan's objects."""
        rows = await self.session.execute(
            select(Task.id, Task.number, Task.title, Assignment.products)
            .outerjoin(Assignment, Assignment.task_id == Task.id)
            .where(Task.plan_id == plan_id)
            .order_by(Task.number, Task.id, Assignment.position)
        )
        texts: dict[int, tuple[int, str, list[str]]] = {}
        for task_id, number, title, products in rows:
            texts.setdefault(task_id, (number, title, []))[2].extend(products or ())
        return [(number, title, tuple(products)) for number, title, products in texts.values()]

    async def task(self, plan_id: int, number: int) -> Task | None:
        return await self.session.scalar(
            select(Task)
            .where(Task.plan_id == plan_id, Task.number == number)
            .options(
                selectinload(Task.assignments).selectinload(Assignment.milestones),
                selectinload(Task.assignments).selectinload(Assignment.leads),
            )
        )

    async def task_count(self, plan_id: int) -> int:
        return await self.session.scalar(select(func.count()).select_from(Task).where(Task.plan_id == plan_id)) or 0

    async def sections(self, plan_id: int) -> list[Section]:
        query = select(Section).where(Section.plan_id == plan_id).order_by(Section.number)
        return list((await self.session.scalars(query)).all())

    async def section(self, plan_id: int, number: int) -> Section | None:
        return await self.session.scalar(select(Section).where(Section.plan_id == plan_id, Section.number == number))

    async def milestone(self, milestone_id: int) -> Milestone | None:
        return await self.session.get(Milestone, milestone_id)

    # -- writing ----------------------------------------------------------------------------------
    @staticmethod
    async def record_trigger(milestones: list[Milestone], day: dt.date, user_id: int, trigger_due: TriggerDue) -> None:
        """The event these milestones wait for happened on `day`; their due dates follow."""
        for milestone in milestones:
            milestone.trigger_date = day
            milestone.trigger_recorded_by = user_id
            milestone.due = trigger_due(milestone)

    @staticmethod
    async def set_due(milestones: list[Milestone], day: dt.date) -> None:
        """A coordinator gives milestones that needed a date their date (docs/contracts.md §2)."""
        for milestone in milestones:
            milestone.kind, milestone.due = DATE, day

    async def needs_date(self, plan_id: int) -> list[tuple[int, str, str]]:
        """(task number, milestone label, phrase) of every milestone still waiting for a date."""
        rows = await self.session.execute(
            select(Task.number, Milestone.label, Milestone.text)
            .join(Assignment, Assignment.task_id == Task.id)
            .join(Milestone, Milestone.assignment_id == Assignment.id)
            .where(Task.plan_id == plan_id, Milestone.kind == NEEDS_DATE)
            .order_by(Task.number, Assignment.position, Milestone.position)
        )
        return [(r.number, r.label, r.text) for r in rows]

    async def upsert(self, parsed: ParsedPlan, source: str | None, trigger_due: TriggerDue) -> tuple[Plan, bool]:
        """Insert the plan, or update it in place keeping ids — and so statuses, history and evidence.

        Rows are matched by their natural keys: section number, task number, the assignment's position
        within its task, the milestone's position within its assignment, the lead unit id. A milestone
        whose trigger date was recorded keeps it, and its due date is recomputed with `trigger_due`.

        The sync is set-based (read each table once, then batched INSERT/UPDATE/DELETE of what
        differs) rather than row-by-row through the ORM: a 5,000-task plan is re-imported in well under
        a second this way, against tens of seconds for per-row flushes on a first import.
        """
        plan = await self.plan_by_year(parsed.year)
        created = plan is None
        if plan is None:
            plan = Plan(year=parsed.year, title=parsed.title, issuer=parsed.issuer, source=source,
                        number=parsed.number, signed=parsed.signed)
            self.session.add(plan)
        else:
            plan.title, plan.issuer, plan.source = parsed.title, parsed.issuer, source
            plan.number, plan.signed = parsed.number, parsed.signed
            plan.imported_at = dt.datetime.now(dt.UTC)
        await self.session.flush()
        await self._sync_sections(plan.id, parsed)
        task_ids = await self._sync_tasks(plan.id, parsed)
        assignment_ids = await self._sync_assignments(plan.id, parsed, task_ids)
        await self._sync_leads(plan.id, parsed, assignment_ids)
        await self._sync_milestones(plan.id, parsed, assignment_ids, trigger_due)
        return plan, created

    async def _sync_sections(self, plan_id: int, parsed: ParsedPlan) -> None:
        rows = await self.session.execute(
            select(Section.id, Section.number, Section.roman, Section.title, Section.targets).where(
                Section.plan_id == plan_id
            )
        )
        existing = {r.number: r for r in rows}
        inserts, updates = [], []
        for ps in parsed.sections:
            values = {"roman": ps.roman, "title": ps.title, "targets": list(ps.targets)}
            row = existing.pop(ps.number, None)
            if row is None:
                inserts.append({"plan_id": plan_id, "number": ps.number, **values})
            elif _changed(row, values):
                updates.append({"id": row.id, **values})
        await self._write(Section, inserts, updates, [r.id for r in existing.values()])

    async def _sync_tasks(self, plan_id: int, parsed: ParsedPlan) -> dict[int, int]:
        """Task number → id."""
        rows = await self.session.execute(
            select(Task.id, Task.number, Task.section_number, Task.title).where(Task.plan_id == plan_id)
        )
        existing = {r.number: r for r in rows}
        ids = {number: row.id for number, row in existing.items()}
        inserts, updates = [], []
        for pt in parsed.tasks:
            values = {"section_number": pt.section, "title": pt.title}
            row = existing.pop(pt.number, None)
            if row is None:
                inserts.append({"plan_id": plan_id, "number": pt.number, **values})
            elif _changed(row, values):
                updates.append({"id": row.id, **values})
        # Deleting a task cascades (in the database) to its assignments, leads, milestones and history.
        await self._write(Task, [], updates, [r.id for r in existing.values()])
        if inserts:
            returned = await self.session.execute(insert(Task).returning(Task.id, Task.number), inserts)
            ids.update({r.number: r.id for r in returned})
        return ids

    async def _sync_assignments(
        self, plan_id: int, parsed: ParsedPlan, task_ids: dict[int, int]
    ) -> dict[tuple[int, int], int]:
        """(task number, position) → assignment id."""
        rows = await self.session.execute(
            select(
                Assignment.id, Assignment.task_id, Assignment.position, Assignment.lead, Assignment.coordinating,
                Assignment.external_coordinating, Assignment.products, Assignment.scope, Assignment.deadline_text,
            )
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan_id)
        )
        existing = {(r.task_id, r.position): r for r in rows}
        ids: dict[tuple[int, int], int] = {}
        inserts, updates = [], []
        for pt in parsed.tasks:
            task_id = task_ids[pt.number]
            for position, pa in enumerate(pt.assignments):
                values = _assignment_values(pa)
                row = existing.pop((task_id, position), None)
                if row is None:
                    inserts.append({"task_id": task_id, "position": position, **values})
                else:
                    ids[(pt.number, position)] = row.id
                    if _changed(row, values):
                        updates.append({"id": row.id, **values})
        numbers = {task_id: number for number, task_id in task_ids.items()}
        await self._write(Assignment, [], updates, [r.id for r in existing.values()])
        if inserts:
            returned = await self.session.execute(
                insert(Assignment).returning(Assignment.id, Assignment.task_id, Assignment.position), inserts
            )
            ids.update({(numbers[r.task_id], r.position): r.id for r in returned})
        return ids

    async def _sync_leads(
        self, plan_id: int, parsed: ParsedPlan, assignment_ids: dict[tuple[int, int], int]
    ) -> None:
        rows = await self.session.execute(
            select(AssignmentLead.id, AssignmentLead.assignment_id, AssignmentLead.unit_id)
            .join(Assignment, Assignment.id == AssignmentLead.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan_id)
        )
        existing = {(r.assignment_id, r.unit_id): r.id for r in rows}
        inserts = []
        for pt in parsed.tasks:
            for position, pa in enumerate(pt.assignments):
                assignment_id = assignment_ids[(pt.number, position)]
                for unit_id in pa.lead:
                    if existing.pop((assignment_id, unit_id), None) is None:
                        inserts.append({"assignment_id": assignment_id, "unit_id": unit_id})
        # A unit removed from the plan's row: its share of the work (and its status) no longer exists.
        await self._write(AssignmentLead, inserts, [], list(existing.values()))

    async def _sync_milestones(
        self,
        plan_id: int,
        parsed: ParsedPlan,
        assignment_ids: dict[tuple[int, int], int],
        trigger_due: TriggerDue,
    ) -> None:
        rows = await self.session.execute(
            select(*(getattr(Milestone, c) for c in ("id", "assignment_id", "position", "trigger_date", *_MILESTONE)))
            .join(Assignment, Assignment.id == Milestone.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan_id)
        )
        existing = {(r.assignment_id, r.position): r for r in rows}
        inserts, updates = [], []
        for pt in parsed.tasks:
            for position, pa in enumerate(pt.assignments):
                assignment_id = assignment_ids[(pt.number, position)]
                for index, pm in enumerate(pa.milestones):
                    values = {c: getattr(pm, c) for c in _MILESTONE}
                    row = existing.pop((assignment_id, index), None)
                    if row is None:
                        inserts.append({"assignment_id": assignment_id, "position": index, **values})
                        continue
                    if row.trigger_date is not None:  # keep a recorded trigger and its computed date
                        values["due"] = trigger_due(Milestone(trigger_date=row.trigger_date, **values))
                    if pm.kind == NEEDS_DATE and row.kind == DATE and row.due and row.text == pm.text:
                        values.update(kind=DATE, due=row.due)  # the date a coordinator set by chat stays
                    if _changed(row, values):
                        updates.append({"id": row.id, **values})
        await self._write(Milestone, inserts, updates, [r.id for r in existing.values()])

    async def _write(
        self, model: type[PlanTable], inserts: list[dict[str, Any]], updates: list[dict[str, Any]], delete_ids: list[int]
    ) -> None:
        """Batched writes of one table: executemany INSERT, UPDATE by primary key, one DELETE."""
        if delete_ids:
            await self.session.execute(delete(model).where(model.id.in_(delete_ids)))
        if updates:
            await self.session.execute(update(model), updates)
        if inserts:
            await self.session.execute(insert(model), inserts)


@functools.cache
def _current_plan_query(by_day: bool) -> Select[Plan]:
    """`current_plan`, built once (parameter: year, today's): today's year's plan first, then the latest."""
    return _current_order(select(Plan), by_day)


def current_plan_id(by_day: bool) -> ScalarSelect[int]:
    """The current plan's id as a subquery (parameter: today_year, when `by_day`), for statements that
    read the current plan's rows and the plan at once."""
    return _current_order(select(Plan.id), by_day, "today_year").scalar_subquery()


def _current_order(query: Select[Any], by_day: bool, name: str = "year") -> Select[Any]:
    today_first = [case((Plan.year == bindparam(name), 0), else_=1)] if by_day else []
    return query.order_by(*today_first, Plan.year.desc()).limit(1)


_MILESTONE = (
    "label", "kind", "text", "due", "period", "report", "offset_days", "working_days", "trigger", "recurrence",
)


def _assignment_values(pa: ParsedAssignment) -> dict:
    return {
        "lead": list(pa.lead),
        "coordinating": list(pa.coordinating),
        "external_coordinating": list(pa.external_coordinating),
        "products": list(pa.products),
        "scope": pa.scope,
        "deadline_text": pa.deadline_text,
    }


def _changed(row, values: dict) -> bool:
    return any(getattr(row, key) != value for key, value in values.items())
