"""`reminders simulate --texts` (docs/contracts.md §4b): every simulated message carries exactly the text the
person would read — the same text a real tick hands to the channel — and a deactivated person is reminded
of nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.cli import main
from domain.clock import FixedClock
from storage.models import User
from tests.conftest import SEED
from tests.fakes.reminders import RecordingSender, add_person, fast_service

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START, END = dt.date(2022, 9, 19), dt.date(2022, 9, 30)  # a Monday digest, then the countdown to Quý III


async def test_simulated_texts_are_what_a_real_tick_sends(seeded_app):
    head = await add_person(seeded_app, "van-phong", "head", chat="vp-head")
    simulated = await seeded_app.reminders.simulate(START, END)
    assert simulated and {m.to_user for m in simulated} == {head}
    assert all(m.text and m.chars == len(m.text) and m.as_contract(texts=True)["text"] == m.text for m in simulated)
    assert "text" not in simulated[0].as_contract()

    clock = FixedClock(dt.datetime.combine(START, dt.time(8), TZ))
    seeded_app.clock = clock
    service = fast_service(seeded_app)
    sender = RecordingSender(clock)
    day = START
    while day <= END:  # the real database, ticked as the simulator ticks its copy
        at = dt.datetime.combine(day, service.policy.window_start, TZ)
        clock.set(at)
        await service.tick({"telegram": sender}, at)
        day += dt.timedelta(days=1)
    assert [(s.at, s.reply.text) for s in sender.to("vp-head")] == [(m.at, m.text) for m in simulated]
    assert "Tổng hợp tuần" in simulated[0].text


async def test_a_deactivated_person_gets_no_reminders(seeded_app):
    gone = await add_person(seeded_app, "van-phong", "head", chat="gone")
    stays = await add_person(seeded_app, "van-phong", "head", chat="stays")
    async with seeded_app.sessions() as session, session.begin():
        await session.execute(update(User).where(User.id == gone).values(active=False))
    simulated = await seeded_app.reminders.simulate(START, END)
    assert simulated and {m.to_user for m in simulated} == {stays}
    due = await seeded_app.reminders.due(dt.datetime(2022, 9, 21, 9, tzinfo=TZ))
    mine = [i for i in due if i.unit_id == "van-phong"]
    assert mine and all(i.recipients == [stays] for i in mine)
    async with seeded_app.sessions() as session, session.begin():
        await session.execute(update(User).where(User.id == stays).values(active=False))
    due = await seeded_app.reminders.due(dt.datetime(2022, 9, 21, 9, tzinfo=TZ))
    mine = [i for i in due if i.unit_id == "van-phong"]
    assert mine and all(not i.recipients and i.unreachable_reason == "no_registered_head" for i in mine)


@pytest.fixture
def seeded_db_url(settings, tmp_path, monkeypatch):
    """A seeded SQLite file nobody is registered in (for the command line, which runs its own loop)."""
    from tests import db_templates

    monkeypatch.chdir(tmp_path)  # no stray .env
    asyncio.run(db_templates.prepare(settings, seed=SEED, clock=FixedClock(dt.datetime(2022, 1, 3, tzinfo=TZ))))
    return settings.db_url


def test_cli_texts(seeded_db_url, capsys):
    code = main(["--db", seeded_db_url, "reminders", "simulate", "--from", "2022-09-19", "--to", "2022-09-23",
                 "--staff-all", "--json", "--texts"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out
    assert all(m["text"] and m["chars"] == len(m["text"]) for m in out)
    code = main(["--db", seeded_db_url, "reminders", "simulate", "--from", "2022-09-19", "--to", "2022-09-19",
                 "--staff-all", "--texts"])
    printed = capsys.readouterr().out
    assert code == 0 and "📅 **Tổng hợp tuần 19/09–25/09/2022" in printed and "tin nhắn từ 19/09/2022" in printed
