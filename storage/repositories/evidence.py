"""Evidence rows: files that prove a unit's share of a task was done."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Assignment, AssignmentLead, Evidence, Plan, Task, User


@dataclass(frozen=True)
class EvidenceRow:
    """One stored file with what a listing needs (no ORM object leaves the repository)."""

    id: int
    task_number: int
    unit_id: str
    file_name: str | None
    mime_type: str
    size: int
    sha256: str
    path: str
    caption: str | None
    uploaded_by: str | None
    created_at: dt.datetime
    review_state: str


class EvidenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def plan_year_of_lead(self, lead_id: int) -> tuple[int, int] | None:
        """(plan year, task number) of a lead: where its files go on disk."""
        row = (
            await self.session.execute(
                select(Plan.year, Task.number)
                .join(Task, Task.plan_id == Plan.id)
                .join(Assignment, Assignment.task_id == Task.id)
                .join(AssignmentLead, AssignmentLead.assignment_id == Assignment.id)
                .where(AssignmentLead.id == lead_id)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def find(self, lead_id: int, sha256: str) -> Evidence | None:
        return await self.session.scalar(
            select(Evidence).where(Evidence.lead_id == lead_id, Evidence.sha256 == sha256).limit(1)
        )

    async def add(self, **values) -> int:
        """Store one evidence row (the columns of `Evidence`); its id."""
        evidence = Evidence(**values)
        self.session.add(evidence)
        await self.session.flush()
        return evidence.id

    async def for_task(self, plan_id: int, task_number: int, unit_ids: list[str] | None = None) -> list[EvidenceRow]:
        query = (
            select(Evidence, AssignmentLead.unit_id, Task.number, User.display_name, User.id)
            .join(AssignmentLead, Evidence.lead_id == AssignmentLead.id)
            .join(Assignment, AssignmentLead.assignment_id == Assignment.id)
            .join(Task, Assignment.task_id == Task.id)
            .outerjoin(User, User.id == Evidence.user_id)
            .where(Task.plan_id == plan_id, Task.number == task_number)
            .order_by(Evidence.created_at, Evidence.id)
        )
        if unit_ids is not None:
            query = query.where(AssignmentLead.unit_id.in_(unit_ids))
        return [
            EvidenceRow(
                id=e.id, task_number=number, unit_id=unit, file_name=e.file_name, mime_type=e.mime_type,
                size=e.size, sha256=e.sha256, path=e.path, caption=e.caption,
                uploaded_by=(name or f"#{uid}") if uid else None, created_at=e.created_at,
                review_state=e.review_state,
            )
            for e, unit, number, name, uid in (await self.session.execute(query)).all()
        ]
