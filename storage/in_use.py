"""Whether a database is in use by another process, so that a restore never replaces it under a running bot
(docs/contracts.md §8).

SQLite: every process that builds the app (`cchc-bot run`, `web serve`, any command) holds a shared lock on
a file beside the database, `<database>.in-use`, until it closes the app. A restore takes that lock
exclusively, without waiting, and keeps it for its whole run: it is refused while anything else has the
database open, and an app started meanwhile waits until the restore is done. The kernel frees the lock of a
process that ends, even by kill -9, so a crash never leaves the database «in use».

PostgreSQL: the other sessions on the target database (`pg_stat_activity`) are what uses it.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import async_url, create_engine


class Hold:
    """A shared hold on a SQLite database, released when the app closes (or the process ends)."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops its lock


def lock_file(url: str) -> Path | None:
    """The lock file of a SQLite database file; None for PostgreSQL or an in-memory database. A URL the
    program cannot use raises `DatabaseUrlError`, worded for the operator (as `create_engine` does)."""
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(f"{Path(parsed.database).expanduser()}.in-use")


def _open(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # async_url made the database's folder


async def hold(url: str) -> Hold | None:
    """Hold the database at `url` as in use until `Hold.release` (SQLite only; waits while a restore runs)."""
    path = lock_file(url)
    if path is None:
        return None
    fd = _open(path)
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_SH)
    except BaseException:
        os.close(fd)
        raise
    return Hold(fd)


@asynccontextmanager
async def exclusive(url: str) -> AsyncIterator[str | None]:
    """For a restore: yields None when nothing else uses the database (SQLite: and keeps others out until the
    block ends), else what uses it, in words for the refusal."""
    path = lock_file(url)
    if path is None:
        others = await _postgres_sessions(url)
        yield f"{others} kết nối khác" if others else None
        return
    fd = _open(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            user = None
        except BlockingIOError:
            user = "một tiến trình khác"
        yield user
    finally:
        os.close(fd)


async def _postgres_sessions(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            count = await connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    finally:
        await engine.dispose()
    return int(count or 0)
