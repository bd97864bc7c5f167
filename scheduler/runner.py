"""The reminder scheduler: an APScheduler 3.11 AsyncIOScheduler that runs one tick every minute and
once at start.

There is deliberately a single job and no per-reminder jobs: what is due is recomputed from the data
at every tick, and exactly-once comes from the delivery ledger, because APScheduler's job stores cannot
be shared between processes (its FAQ says so) and jobs held in memory vanish on restart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from presentation.review import review_digest
from services.reminders import TickReport
from services.review_service import send_review_digest

if TYPE_CHECKING:
    from services.container import App

log = logging.getLogger(__name__)
JOB_ID = "reminders-tick"


async def run_tick(app: App) -> TickReport | None:
    """One tick with the app's running senders; errors are logged, never raised into the scheduler
    (a failing tick must not stop the next one). With several processes on one PostgreSQL only the
    holder of the scheduler lock ticks (storage/leader.py); None when this process is not it."""
    if not await app.scheduler_lease.held():
        return None
    try:
        report = await app.reminders.tick(app.senders)
    except Exception:
        log.exception("reminder tick failed")
        return None
    try:  # the coordinators' daily «evidence waiting for review» digest decides itself when it is due
        await send_review_digest(app, render=review_digest)
    except Exception:
        log.exception("review digest failed")
    d = report.delivery
    if d.sent or d.failed or d.skipped or report.unreachable:
        log.info(
            "reminder tick: %d due, %d sent, %d failed, %d skipped, %d unreachable, %d elsewhere (%.2fs)",
            report.deliveries, d.sent, d.failed, d.skipped, report.unreachable, d.held_elsewhere, report.seconds,
        )
    return report


async def start_scheduler(app: App, *, interval_seconds: float = 60.0) -> AsyncIOScheduler:
    """Start ticking on the running event loop; the caller stops it with `stop_scheduler(scheduler)`.

    `max_instances=1` + `coalesce`: a long broadcast (1,000 messages take ~35 s at 29 msg/s) makes the
    next tick wait instead of running twice in one process.
    """
    scheduler = AsyncIOScheduler(timezone=app.config.tz)
    inflight: set[asyncio.Task[object]] = set()

    async def tick() -> TickReport | None:
        task = asyncio.current_task()
        assert task is not None  # APScheduler runs the job as a task of this loop
        inflight.add(task)
        try:
            return await run_tick(app)
        finally:
            inflight.discard(task)

    scheduler.add_job(
        tick, IntervalTrigger(seconds=interval_seconds, timezone=app.config.tz), id=JOB_ID,
        next_run_time=dt.datetime.now(app.config.tz), max_instances=1, coalesce=True, misfire_grace_time=30,
    )
    scheduler.start()
    _INFLIGHT[id(scheduler)] = inflight
    return scheduler


# the tick running in each started scheduler (APScheduler's asyncio executor does not wait for it)
_INFLIGHT: dict[int, set[asyncio.Task]] = {}


async def stop_scheduler(scheduler: AsyncIOScheduler, grace: float = 5.0) -> None:
    """Stop ticking and let a tick in flight finish (at most `grace` seconds, then it is cancelled),
    so that the database is not closed under a running tick — whatever it did not deliver is still
    due at the next start, exactly once."""
    scheduler.shutdown(wait=False)
    running = _INFLIGHT.pop(id(scheduler), set())
    if not running:
        return
    _, late = await asyncio.wait(running, timeout=grace)
    for task in late:
        task.cancel()
    if late:
        await asyncio.gather(*late, return_exceptions=True)
