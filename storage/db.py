"""Database URLs, the async engine and schema upgrades.

Operators write plain `sqlite:///path` or `postgresql://user@host/db`; the app picks the async driver.
SQLite gets WAL and a busy timeout so that several bot processes can share one file.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseUrlError(ValueError):
    pass


def async_url(url: str) -> str:
    """`sqlite:///x.db` → `sqlite+aiosqlite:///x.db`, `postgresql://…` → `postgresql+asyncpg://…`."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with an English message
        raise DatabaseUrlError(f"DATABASE_URL không hợp lệ: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    elif backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise DatabaseUrlError(f"chỉ hỗ trợ SQLite và PostgreSQL, không hỗ trợ «{backend}»")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, **kwargs) -> AsyncEngine:
    full = async_url(url)
    is_sqlite = full.startswith("sqlite")
    if is_sqlite:
        kwargs.setdefault("connect_args", {"timeout": 30})
        # Every Session ends its own transaction (commit, or rollback on close); the pool's extra
        # rollback on return is one more thread hand-off per request on aiosqlite.
        kwargs.setdefault("pool_reset_on_return", None)
    engine = create_async_engine(full, **kwargs)
    if is_sqlite:

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL keeps the file consistent; fsync per checkpoint
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    from storage.uow import (
        WriteAwareSession,  # it knows whether a commit carries effects (storage/handling.py)
    )

    return async_sessionmaker(engine, expire_on_commit=False, class_=WriteAwareSession)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration: its revision is its file name, `000N_name`, numbered one after the other
    (tests/e2e/test_migrations.py checks that this agrees with alembic's own reading)."""
    return max(path.stem for path in (MIGRATIONS / "versions").glob("[0-9]*.py"))


def current_revision(sync_connection) -> str | None:
    """The revision the database is at, or None for an empty database (or a branched one)."""
    if not inspect(sync_connection).has_table("alembic_version"):
        return None
    versions = sync_connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions[0] if len(versions) == 1 else None


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the latest migration (run at every start). A database already there is
    recognised by reading its `alembic_version` row, without importing alembic: alembic, mako and
    pygments cost every bot process ~0.15 s of CPU at start, and most starts have nothing to migrate."""

    def _run(sync_connection) -> None:
        if current_revision(sync_connection) == head_revision():
            return
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = sync_connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_run)


async def ping(engine: AsyncEngine, timeout: float = 2.0) -> bool:
    """Does the database answer `SELECT 1` within `timeout` seconds (the web server's /healthz)?"""
    import asyncio

    from sqlalchemy import text

    async def _select() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(_select(), timeout)
    except Exception:
        return False
    return True
