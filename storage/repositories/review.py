"""SQL of evidence review: which files wait for a coordinator, the review itself, and the tallies that
decide whether a unit's share of a task is "done and verified".

A review is written with a conditional UPDATE (`... WHERE review_state = 'pending'`): two coordinators
pressing «Chấp nhận» and «Trả lại» on the same file at the same moment cannot both win, and a file is
reviewed at most once — so the evidence row itself is the complete review history (a returned file is
replaced by a new upload, never re-reviewed).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.shares import ReviewState
from storage.models import Assignment, AssignmentLead, Evidence, Task, User
from storage.repositories.dialect import rowcount

PENDING, ACCEPTED, RETURNED = ReviewState.PENDING, ReviewState.ACCEPTED, ReviewState.RETURNED
REVIEW_STATES = tuple(ReviewState)

Uploader = aliased(User, name="uploader")
Reviewer = aliased(User, name="reviewer")


class ReviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def _evidence_rows():
        """Evidence with its lead, assignment, task, uploader and reviewer (one round trip)."""
        return (
            select(Evidence, AssignmentLead, Assignment, Task, Uploader, Reviewer)
            .join(AssignmentLead, AssignmentLead.id == Evidence.lead_id)
            .join(Assignment, Assignment.id == AssignmentLead.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .outerjoin(Uploader, Uploader.id == Evidence.user_id)
            .outerjoin(Reviewer, Reviewer.id == Evidence.reviewed_by)
        )

    def _evidence_query(self, plan_id: int):
        return self._evidence_rows().where(Task.plan_id == plan_id)

    async def evidence(
        self,
        plan_id: int,
        *,
        state: str | None = None,
        task_number: int | None = None,
        unit_ids: Sequence[str] | None = None,
        lead_ids: Sequence[int] | None = None,
        after_id: int | None = None,
        limit: int | None = None,
    ) -> list[tuple]:
        """(evidence, lead, assignment, task, uploader, reviewer) rows, oldest first."""
        query = self._evidence_query(plan_id)
        if state is not None:
            query = query.where(Evidence.review_state == state)
        if task_number is not None:
            query = query.where(Task.number == task_number)
        if unit_ids is not None:
            query = query.where(AssignmentLead.unit_id.in_(list(unit_ids)))
        if lead_ids is not None:
            query = query.where(Evidence.lead_id.in_(list(lead_ids)))
        if after_id is not None:
            query = query.where(Evidence.id > after_id)
        query = query.order_by(Evidence.id)
        if limit is not None:
            query = query.limit(limit)
        return list((await self.session.execute(query)).all())

    async def one(self, evidence_id: int, *, fresh: bool = False) -> tuple | None:
        """One file's row; `fresh` re-reads objects already loaded in this unit of work (after `review`,
        whose UPDATE bypasses them)."""
        query = self._evidence_rows().where(Evidence.id == evidence_id)
        if fresh:
            query = query.execution_options(populate_existing=True)
        return (await self.session.execute(query)).first()

    async def count(
        self,
        plan_id: int,
        *,
        state: str,
        task_number: int | None = None,
        since: dt.datetime | None = None,
        after_id: int | None = None,
    ) -> int:
        query = (
            select(func.count(Evidence.id))
            .join(AssignmentLead, AssignmentLead.id == Evidence.lead_id)
            .join(Assignment, Assignment.id == AssignmentLead.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan_id, Evidence.review_state == state)
        )
        if task_number is not None:
            query = query.where(Task.number == task_number)
        if since is not None:
            query = query.where(Evidence.created_at >= since)
        if after_id is not None:
            query = query.where(Evidence.id > after_id)
        return int(await self.session.scalar(query) or 0)

    async def review(
        self, evidence_id: int, *, state: str, comment: str | None, user_id: int, at: dt.datetime
    ) -> bool:
        """Record a review if the file still waits for one; False when somebody else was first."""
        result = await self.session.execute(
            update(Evidence)
            .where(Evidence.id == evidence_id, Evidence.review_state == PENDING)
            .values(review_state=state, review_comment=comment, reviewed_by=user_id, reviewed_at=at)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def tallies(self, lead_ids: Sequence[int] | None = None) -> dict[int, dict[str, int]]:
        """lead id → {review state → number of files} (of the shares asked: the progress answer asks for
        every share of the plan, so the statement is built once, their ids bound)."""
        if lead_ids is not None and not lead_ids:
            return {}
        query = _tallies_query(lead_ids is not None)
        result: dict[int, dict[str, int]] = {}
        for lead_id, state, n in (await self.session.execute(query, {"lead_ids": list(lead_ids or ())})).all():
            result.setdefault(lead_id, {})[state] = int(n)
        return result

    async def heads_of(self, unit_id: str) -> list[int]:
        rows = await self.session.scalars(
            select(User.id).where(User.unit_id == unit_id, User.role == "head", User.active.is_(True)).order_by(User.id)
        )
        return list(rows.all())

    async def users_with_roles(self, roles: Sequence[str]) -> list[tuple[int, str]]:
        """(user id, unit id) of active people with these roles."""
        rows = await self.session.execute(
            select(User.id, User.unit_id).where(User.role.in_(list(roles)), User.active.is_(True)).order_by(User.id)
        )
        return [(r[0], r[1]) for r in rows.all()]


@functools.cache
def _tallies_query(of_leads: bool) -> Select[*tuple[Any, ...]]:
    """`ReviewRepository.tallies` (parameter: lead_ids, when `of_leads`)."""
    query = select(Evidence.lead_id, Evidence.review_state, func.count()).group_by(Evidence.lead_id, Evidence.review_state)
    return query.where(Evidence.lead_id.in_(bindparam("lead_ids", expanding=True))) if of_leads else query
