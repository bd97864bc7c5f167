"""The few statements that differ between PostgreSQL and SQLite, chosen from a session's dialect, so
that each repository does not make the choice again."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    return session.bind.dialect.name == "postgresql"


def insert(session: AsyncSession):
    """The dialect's INSERT, which has ON CONFLICT on both."""
    return pg_insert if is_postgres(session) else sqlite_insert


def greatest(session: AsyncSession):
    """The larger of two values: GREATEST on PostgreSQL, the two-argument MAX on SQLite."""
    return func.greatest if is_postgres(session) else func.max
