"""The APScheduler runner: one job, ticking at start and every minute, surviving a failing tick."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.clock import FixedClock
from scheduler.runner import JOB_ID, run_tick, start_scheduler
from tests.fakes.reminders import RecordingSender, add_person

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_ticks_once_at_start_with_the_apps_senders(seeded_app):
    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 9, 21, 9, tzinfo=TZ))
    app.reminders.clock = app.clock  # the service was built with the real clock: 21:00 in Hà Nội is outside the window
    await add_person(app, "van-phong", "head")
    sender = RecordingSender(app.clock)
    app.senders["telegram"] = sender
    scheduler = await start_scheduler(app)
    try:
        assert isinstance(scheduler, AsyncIOScheduler) and scheduler.running
        job = scheduler.get_job(JOB_ID)
        assert job.trigger.interval == dt.timedelta(minutes=1) and job.max_instances == 1
        for _ in range(100):  # the start-up tick runs without waiting a minute
            if any("NV 3 ·" in s.reply.text for s in sender.sent):
                break
            await asyncio.sleep(0.05)
        assert any("NV 3 ·" in s.reply.text for s in sender.sent)
        assert len(scheduler.get_jobs()) == 1  # one tick job, never a job per reminder
    finally:
        scheduler.shutdown(wait=False)


async def test_a_failing_tick_is_logged_not_raised(seeded_app, caplog, monkeypatch):
    service = seeded_app.reminders

    async def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(service, "tick", broken)
    assert await run_tick(seeded_app) is None
    assert "reminder tick failed" in caplog.text
