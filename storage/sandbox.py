"""A throw-away copy of the database, for the reminder simulator: whatever runs on it never touches
the real one.

SQLite: the file is copied with SQLite's online backup API (consistent even while the bot writes, WAL
included) into a temporary directory. PostgreSQL: a temporary database is created on the same server,
migrated, and filled with a copy of every table (CREATE DATABASE … TEMPLATE would need every other
connection to the real database closed, which a running bot never allows); it is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import Integer, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from storage.db import create_engine, session_factory, upgrade
from storage.models import Base
from storage.uow import UnitOfWorkFactory


@asynccontextmanager
async def throwaway_copy(url: str) -> AsyncIterator[async_sessionmaker]:
    """Yield a session factory on a copy of the database at `url`; the copy is removed on exit."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        async with _sqlite_copy(parsed.database or "") as sessions:
            yield sessions
    else:
        async with _postgres_copy(url) as sessions:
            yield sessions


@asynccontextmanager
async def throwaway_uow(url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """The same copy, as services see a database: a unit-of-work factory."""
    async with throwaway_copy(url) as sessions:
        yield UnitOfWorkFactory(sessions)


@asynccontextmanager
async def _sqlite_copy(path: str) -> AsyncIterator[async_sessionmaker]:
    folder = Path(tempfile.mkdtemp(prefix="cchc-sim-"))
    target = folder / "copy.db"

    def backup() -> None:
        source = sqlite3.connect(f"file:{Path(path).expanduser()}?mode=ro", uri=True) if path else sqlite3.connect(":memory:")
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()

    try:
        await asyncio.to_thread(backup)
        engine = create_engine(f"sqlite:///{target}")
        try:
            await upgrade(engine)
            yield session_factory(engine)
        finally:
            await engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@asynccontextmanager
async def _postgres_copy(url: str) -> AsyncIterator[async_sessionmaker]:
    name = f"cchc_sim_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    source = create_engine(url)
    target_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        target = create_engine(target_url)
        try:
            await upgrade(target)
            async with source.connect() as src, target.begin() as dst:
                for table in Base.metadata.sorted_tables:
                    rows = [dict(r) for r in (await src.execute(select(table))).mappings().all()]
                    if rows:
                        await dst.execute(insert(table), rows)
                    if "id" in table.c and table.c.id.primary_key and isinstance(table.c.id.type, Integer):
                        await dst.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        ))
            yield session_factory(target)
        finally:
            await target.dispose()
    finally:
        await source.dispose()
        try:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            await admin.dispose()
