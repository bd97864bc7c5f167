"""Targets (chỉ tiêu) and the figures reported for them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.targets import ParsedTarget
from storage.models import Target, TargetFigure, User


class TargetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sync(self, plan_id: int, parsed: list[ParsedTarget]) -> None:
        """Insert or update the plan's targets by code; a target the plan no longer has is deleted, unless
        figures were reported for it — then it is kept, inactive, so no reported figure is ever lost."""
        existing = {t.code: t for t in (await self.session.scalars(select(Target).where(Target.plan_id == plan_id))).all()}
        for p in parsed:
            values = {
                "section_number": p.section, "position": p.position, "text": p.text, "short_name": p.short_name,
                "goal": p.goal, "direction": p.direction, "active": True,
            }
            row = existing.pop(p.code, None)
            if row is None:
                self.session.add(Target(plan_id=plan_id, code=p.code, **values))
            else:
                for key, value in values.items():
                    if getattr(row, key) != value:
                        setattr(row, key, value)
        gone = [t.id for t in existing.values()]
        if gone:
            reported = set(
                (await self.session.scalars(
                    select(TargetFigure.target_id).where(TargetFigure.target_id.in_(gone)).distinct()
                )).all()
            )
            if reported:
                await self.session.execute(update(Target).where(Target.id.in_(reported)).values(active=False))
            unreported = [i for i in gone if i not in reported]
            if unreported:
                await self.session.execute(delete(Target).where(Target.id.in_(unreported)))
        await self.session.flush()

    async def has_targets(self, plan_id: int) -> bool:
        return bool(await self.session.scalar(select(exists().where(Target.plan_id == plan_id))))

    async def targets(self, plan_id: int) -> list[Target]:
        query = (
            select(Target).where(Target.plan_id == plan_id, Target.active.is_(True))
            .order_by(Target.section_number, Target.position)
        )
        return list((await self.session.scalars(query)).all())

    async def add_figure(self, **values) -> TargetFigure:
        row = TargetFigure(**values)
        self.session.add(row)
        await self.session.flush()
        return row

    async def figure_by_key(self, key: str) -> TargetFigure | None:
        return await self.session.scalar(select(TargetFigure).where(TargetFigure.idempotency_key == key))

    async def figures(
        self, plan_id: int, *, period: str | None = None, until: dt.datetime | None = None,
        target_id: int | None = None,
    ) -> list[tuple[TargetFigure, str | None]]:
        """(figure, reporter's name) oldest first; `until` keeps what was recorded before that instant."""
        query = (
            select(TargetFigure, User.display_name)
            .join(Target, Target.id == TargetFigure.target_id)
            .outerjoin(User, User.id == TargetFigure.user_id)
            .where(Target.plan_id == plan_id)
            .order_by(TargetFigure.created_at, TargetFigure.id)
        )
        if period is not None:
            query = query.where(TargetFigure.period == period)
        if until is not None:
            query = query.where(TargetFigure.created_at < until)
        if target_id is not None:
            query = query.where(TargetFigure.target_id == target_id)
        return [(f, name) for f, name in (await self.session.execute(query)).all()]
