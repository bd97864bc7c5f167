"""One scheduler at a time on PostgreSQL: an advisory lock chooses the process that ticks; when its
session dies (the process was killed) another process takes over at its next tick."""

from __future__ import annotations

from sqlalchemy import text

from bot.bootstrap import build_app
from scheduler.runner import run_tick
from storage.leader import SchedulerLease
from tests.conftest import make_settings
from tests.waiting import eventually


async def test_only_one_process_ticks_and_another_takes_over_when_it_dies(tmp_path, postgres_url):
    first = await build_app(make_settings(tmp_path, database_url=postgres_url))
    second = await build_app(make_settings(tmp_path, database_url=postgres_url), migrate=False)
    try:
        assert await first.scheduler_lease.held()
        assert not await second.scheduler_lease.held()
        assert await run_tick(second) is None  # not the scheduler: the tick does nothing
        assert await run_tick(first) is not None
        assert await first.scheduler_lease.held()  # still held at the next tick
        # the scheduler's process dies: PostgreSQL ends its session (here: terminated from outside)
        async with second.engine.connect() as conn:
            pid = await conn.scalar(text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                {"k": first.scheduler_lease.key})
            assert await conn.scalar(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        # the backend ends asynchronously; the other process's next tick (here: polled) takes over
        await eventually(second.scheduler_lease.held, timeout=10, interval=0.05, what="the lock taken over")
        assert await run_tick(second) is not None
        assert not await first.scheduler_lease.held()  # the old holder sees its session gone
    finally:
        await first.close()
        await second.close()


async def test_sqlite_is_single_process_and_always_ticks(tmp_path):
    app = await build_app(make_settings(tmp_path))
    try:
        assert isinstance(app.scheduler_lease, SchedulerLease) and not app.scheduler_lease.shared
        assert await app.scheduler_lease.held()
    finally:
        await app.close()
