"""The APScheduler runner: one job, ticking at start and every minute, surviving a failing tick."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.clock import FixedClock
from scheduler.runner import JOB_ID, run_tick, start_scheduler, stop_scheduler
from tests import db_templates
from tests.fakes.reminders import RecordingSender, add_person

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def wednesday_app(settings):
    """The seed plan on Wednesday 21/09/2022 09:00, inside the reminder window. The clock is given to
    build_app: the services keep the clock they were built with (setting `app.clock` afterwards would
    leave the reminder service on the wall clock, and the test would pass only in the window's hours)."""
    app = await db_templates.seeded_app(settings, clock=FixedClock(dt.datetime(2022, 9, 21, 9, tzinfo=TZ)))
    yield app
    await app.close()


async def test_ticks_once_at_start_with_the_apps_senders(wednesday_app):
    app = wednesday_app
    await add_person(app, "van-phong", "head")
    sender = RecordingSender(app.clock)
    app.senders["telegram"] = sender
    scheduler = await start_scheduler(app)
    try:
        assert isinstance(scheduler, AsyncIOScheduler) and scheduler.running
        job = scheduler.get_job(JOB_ID)
        assert job.trigger.interval == dt.timedelta(minutes=1) and job.max_instances == 1
        # the start-up tick runs without waiting a minute
        await asyncio.wait_for(sender.delivered.wait(), 30)
        assert any("NV 3 ·" in s.reply.text for s in sender.sent)
        assert len(scheduler.get_jobs()) == 1  # one tick job, never a job per reminder
    finally:
        await stop_scheduler(scheduler)  # the start-up tick finishes before the app's database closes
    assert not scheduler.running


async def test_a_failing_tick_is_logged_not_raised(seeded_app, caplog, monkeypatch):
    service = seeded_app.reminders

    async def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(service, "tick", broken)
    assert await run_tick(seeded_app) is None
    assert "reminder tick failed" in caplog.text
