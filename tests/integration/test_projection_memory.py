"""The projection service keeps the plan's history in memory and reads only the rows appended since its
last read (docs/contracts.md §7). Another process may write at any time: here a second App on the same
database records updates — in order, back-dated (a row recorded later for an earlier time), on shares
already asked about and new ones — and rewrites the history, between the first App's reads. After every
write the first App's projections, at the dates it remembers and at a new one, equal a fresh projection
(a service with nothing in memory) of the same database.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import delete, func, select

from bot.bootstrap import build_app
from bot.settings import Settings
from domain.clock import FixedClock
from domain.projection import Projection
from services.projection_service import ProjectionService
from storage.models import StatusUpdate
from storage.repositories.statuses import StatusRepository
from tests import db_templates
from tests.conftest import make_settings
from tests.conversation_kit import TZ

NOW = dt.datetime(2022, 8, 15, 9, 0, tzinfo=TZ)
DAYS = (dt.date(2022, 3, 31), dt.date(2022, 6, 30), dt.date(2022, 8, 15), None)
STATUSES = ("in_progress", "done", "blocked", "not_started", "done", "in_progress")


async def record(app, lead_id: int, status: str, at: dt.datetime, percent: int | None = None) -> None:
    async with app.sessions() as session, session.begin():
        await StatusRepository(session).record(
            lead_id, status=status, percent=100 if status == "done" else percent, note=None, user_id=None,
            channel="test", text=None, key=None, at=at,
        )


async def fresh_projection(app, day: dt.date | None) -> Projection:
    """The projection as a service with nothing remembered reads it."""
    return (await ProjectionService(app.projections.uow, app.plans, app.projections.tz).snapshot(day)).projection


async def agree(reader, day: dt.date | None, *, unit_ids: list[str] | None = None) -> None:
    remembered = (await reader.projections.snapshot(day, unit_ids=unit_ids)).projection
    fresh = await fresh_projection(reader, day)
    if unit_ids is not None:
        fresh = Projection(fresh.at, fresh.plan_year, tuple(s for s in fresh.shares if s.unit_id in unit_ids))
    assert remembered == fresh, day


async def test_reads_between_another_process_writes_equal_a_fresh_projection(tmp_path: Path) -> None:
    await interleaved(make_settings(tmp_path))


async def test_reads_between_writes_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    await interleaved(make_settings(tmp_path, database_url=postgres_url))


async def interleaved(settings: Settings) -> None:
    reader = await db_templates.seeded_app(settings, clock=FixedClock(NOW))
    writer = await build_app(settings, clock=FixedClock(NOW))
    try:
        leads = [lead.lead_id for lead in await reader.queries.leads()]
        units = sorted({lead.unit_id for lead in await reader.queries.leads()})
        rng = random.Random(19)
        asked = rng.sample(leads, 12)  # few shares, so that rows often land on a share already replayed
        for day in DAYS:
            await agree(reader, day)
        for step in range(60):
            lead = rng.choice(asked if step % 3 else leads)
            when = dt.datetime(2022, rng.randint(1, 8), rng.randint(1, 28), rng.randint(7, 22), tzinfo=TZ)
            await record(writer, lead, rng.choice(STATUSES), when, rng.choice((None, 20, 60, 90)))
            if step % 7 == 3:  # two rows at once, the second back-dated before the first
                await record(writer, lead, "done", when)
                await record(writer, lead, "in_progress", when - dt.timedelta(days=40), 50)
            await agree(reader, rng.choice(DAYS))
            await agree(reader, rng.choice(DAYS), unit_ids=[rng.choice(units)])
        for day in DAYS:
            await agree(reader, day)
        (memory,) = reader.projections._memories.values()  # one plan asked: one memory
        assert len(memory.states) == len(DAYS)  # the dates asked were remembered and kept up to date
    finally:
        await writer.close()
        await reader.close()


async def test_a_rewritten_history_is_read_again(tmp_path: Path) -> None:
    await rewritten(make_settings(tmp_path))


async def test_a_rewritten_history_is_read_again_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    await rewritten(make_settings(tmp_path, database_url=postgres_url))


async def rewritten(settings: Settings) -> None:
    reader = await db_templates.seeded_app(settings, clock=FixedClock(NOW))
    writer = await build_app(settings, clock=FixedClock(NOW))
    try:
        leads = [lead.lead_id for lead in await reader.queries.leads()][:5]
        for i, lead in enumerate(leads):
            await record(writer, lead, "done", dt.datetime(2022, 5, 1 + i, 9, tzinfo=TZ))
        await agree(reader, None)
        async with writer.sessions() as session, session.begin():  # one row removed, one added: same count
            oldest = await session.scalar(select(func.min(StatusUpdate.id)))
            await session.execute(delete(StatusUpdate).where(StatusUpdate.id == oldest))
        await record(writer, leads[-1], "blocked", dt.datetime(2022, 6, 1, 9, tzinfo=TZ))
        await agree(reader, None)
        assert (await reader.projections.at(dt.date(2022, 8, 15))).by_lead()[leads[0]].updated is False
        async with writer.sessions() as session, session.begin():  # the history emptied
            await session.execute(delete(StatusUpdate))
        await agree(reader, None)
        assert (await reader.projections.at(dt.date(2022, 8, 15))).counts().done == 0
        # rewritten with more rows: SQLite gives the new rows the ids of the removed ones, so only the
        # rows past the last id read look new — the first rows here say something else than before
        await record(writer, leads[0], "done", dt.datetime(2022, 5, 1, 9, tzinfo=TZ))
        await agree(reader, None)
        async with writer.sessions() as session, session.begin():
            await session.execute(delete(StatusUpdate))
        await record(writer, leads[0], "blocked", dt.datetime(2022, 5, 1, 9, tzinfo=TZ))
        await record(writer, leads[1], "done", dt.datetime(2022, 5, 2, 9, tzinfo=TZ))
        for day in DAYS:
            await agree(reader, day)
        assert (await reader.projections.at(dt.date(2022, 8, 15))).by_lead()[leads[0]].status.value == "blocked"
    finally:
        await writer.close()
        await reader.close()
