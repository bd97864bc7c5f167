"""Reading and writing the plan (plans, sections, tasks, assignments, lead units, milestones)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.plan import ParsedAssignment, ParsedMilestone, ParsedPlan
from domain.units import UnitDirectory
from storage.models import Assignment, AssignmentLead, Milestone, Plan, Section, Task, Unit

TriggerDue = Callable[[Milestone], dt.date | None]


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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

    # -- reading ----------------------------------------------------------------------------------
    async def current_plan(self) -> Plan | None:
        """The plan of the latest year (the one the bot talks about)."""
        return await self.session.scalar(select(Plan).order_by(Plan.year.desc()).limit(1))

    async def plan_by_year(self, year: int) -> Plan | None:
        return await self.session.scalar(select(Plan).where(Plan.year == year))

    async def load_full(self, plan_id: int) -> tuple[Plan, list[Section], list[Task]]:
        plan = await self.session.get(Plan, plan_id)
        sections = (
            await self.session.scalars(select(Section).where(Section.plan_id == plan_id).order_by(Section.number))
        ).all()
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

    async def task(self, plan_id: int, number: int) -> Task | None:
        return await self.session.scalar(
            select(Task)
            .where(Task.plan_id == plan_id, Task.number == number)
            .options(
                selectinload(Task.assignments).selectinload(Assignment.milestones),
                selectinload(Task.assignments).selectinload(Assignment.leads),
            )
        )

    async def section(self, plan_id: int, number: int) -> Section | None:
        return await self.session.scalar(select(Section).where(Section.plan_id == plan_id, Section.number == number))

    async def milestone(self, milestone_id: int) -> Milestone | None:
        return await self.session.get(Milestone, milestone_id)

    # -- writing ----------------------------------------------------------------------------------
    async def upsert(self, parsed: ParsedPlan, source: str | None, trigger_due: TriggerDue) -> tuple[Plan, bool]:
        """Insert the plan, or update it in place keeping ids — and so statuses, history and evidence.

        Rows are matched by their natural keys: section number, task number, the assignment's position
        within its task, the milestone's position within its assignment, the lead unit id.
        """
        plan = await self.plan_by_year(parsed.year)
        created = plan is None
        if plan is None:
            plan = Plan(year=parsed.year, title=parsed.title, issuer=parsed.issuer, source=source)
            self.session.add(plan)
            await self.session.flush()
        else:
            plan.title, plan.issuer, plan.source = parsed.title, parsed.issuer, source
            plan.imported_at = dt.datetime.now(dt.UTC)
        _, sections, tasks = await self.load_full(plan.id) if not created else (plan, [], [])

        by_number = {s.number: s for s in sections}
        for ps in parsed.sections:
            row = by_number.pop(ps.number, None) or Section(plan_id=plan.id, number=ps.number)
            row.roman, row.title, row.targets = ps.roman, ps.title, list(ps.targets)
            self.session.add(row)
        for stale in by_number.values():
            await self.session.delete(stale)

        tasks_by_number = {t.number: t for t in tasks}
        for pt in parsed.tasks:
            task = tasks_by_number.pop(pt.number, None)
            if task is None:
                task = Task(plan_id=plan.id, number=pt.number, section_number=pt.section, title=pt.title)
                self.session.add(task)
                await self.session.flush()
                existing_assignments: list[Assignment] = []
            else:
                task.section_number, task.title = pt.section, pt.title
                existing_assignments = list(task.assignments)
            await self._sync_assignments(task, existing_assignments, pt.assignments, trigger_due)
        for stale in tasks_by_number.values():
            await self.session.execute(delete(Task).where(Task.id == stale.id))
        await self.session.flush()
        return plan, created

    async def _sync_assignments(
        self, task: Task, existing: list[Assignment], parsed: list[ParsedAssignment], trigger_due: TriggerDue
    ) -> None:
        by_position = {a.position: a for a in existing}
        for position, pa in enumerate(parsed):
            row = by_position.pop(position, None)
            if row is None:
                row = Assignment(task_id=task.id, position=position)
                self.session.add(row)
                await self.session.flush()
                milestones: list[Milestone] = []
                leads: list[AssignmentLead] = []
            else:
                milestones, leads = list(row.milestones), list(row.leads)
            row.lead, row.coordinating = list(pa.lead), list(pa.coordinating)
            row.external_coordinating, row.products = list(pa.external_coordinating), list(pa.products)
            row.scope, row.deadline_text = pa.scope, pa.deadline_text
            self._sync_leads(row, leads, pa.lead)
            self._sync_milestones(row, milestones, pa.milestones, trigger_due)
        for stale in by_position.values():
            await self.session.execute(delete(Assignment).where(Assignment.id == stale.id))

    def _sync_leads(self, assignment: Assignment, existing: list[AssignmentLead], units: list[str]) -> None:
        by_unit = {lead.unit_id: lead for lead in existing}
        for unit_id in units:
            if by_unit.pop(unit_id, None) is None:
                self.session.add(AssignmentLead(assignment_id=assignment.id, unit_id=unit_id))
        for stale in by_unit.values():
            # A unit removed from the plan's row: its share of the work no longer exists.
            self.session.sync_session.delete(stale)

    def _sync_milestones(
        self, assignment: Assignment, existing: list[Milestone], parsed: list[ParsedMilestone], trigger_due: TriggerDue
    ) -> None:
        by_position = {m.position: m for m in existing}
        for position, pm in enumerate(parsed):
            row = by_position.pop(position, None)
            if row is None:
                row = Milestone(assignment_id=assignment.id, position=position)
                self.session.add(row)
            row.label, row.kind, row.text, row.due = pm.label, pm.kind, pm.text, pm.due
            row.period, row.report = pm.period, pm.report
            row.offset_days, row.working_days, row.trigger = pm.offset_days, pm.working_days, pm.trigger
            if row.trigger_date is not None:  # keep a recorded trigger and its computed date
                row.due = trigger_due(row)
        for stale in by_position.values():
            self.session.sync_session.delete(stale)
