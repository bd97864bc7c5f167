"""The few statements that differ between PostgreSQL and SQLite, chosen from a session's dialect, so
that each repository does not make the choice again."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_name(session: AsyncSession) -> str:
    bind = session.bind
    if bind is None:
        raise RuntimeError("a repository's session is bound to the unit of work's engine")
    return bind.dialect.name


def is_postgres(session: AsyncSession) -> bool:
    return dialect_name(session) == "postgresql"


def rowcount(result: object) -> int:
    """The rows an INSERT, UPDATE or DELETE matched. `Session.execute` is typed as returning a plain
    `Result`; for those statements it is a `CursorResult`, which alone counts rows."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"rowcount of a {type(result).__name__}: not the result of INSERT, UPDATE or DELETE")
    return int(result.rowcount or 0)


def insert(session: AsyncSession):
    """The dialect's INSERT, which has ON CONFLICT on both."""
    return insert_of(dialect_name(session))


def insert_of(dialect: str):
    """The INSERT of the dialect named (`dialect_name`): for statements built once per dialect."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def greatest(session: AsyncSession):
    """The larger of two values: GREATEST on PostgreSQL, the two-argument MAX on SQLite."""
    return func.greatest if is_postgres(session) else func.max
