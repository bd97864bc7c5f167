"""A status update's write path is short and still safe: the plan it writes and the task's shares with
their milestones are one statement, the share's row is written once with the history row — and a message
recorded before is refused by the unique idempotency key, with nothing written twice. The current plan
alone (what other answers read) is one statement too."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from storage.models import Plan, StatusUpdate
from storage.repositories.plans import PlanRepository
from tests.coordinator_kit import CHANNEL, at, lead_of, person
from tests.statements import reads_of, statements

NOW = at(8, 15, 9)


async def update(app, user, **kwargs):
    values = {"task": 17, "channel": CHANNEL, "text": None, "key": None, "now": NOW} | kwargs
    return await app.statuses.update(user, **values)


async def history_rows(app) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(StatusUpdate))


async def test_a_recorded_update_reads_once_and_writes_the_share_and_its_history_once(plan_app):
    """Task 5's «xong» completes one of four reports: the row recorded (done, 100%) and the share's new
    values (in progress, 50%) differ, and still the share's row is written by one UPDATE."""
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    with statements(plan_app) as sent:
        outcome = await update(plan_app, head, task=5, status="done", key="telegram:1")
    assert outcome.kind == "recorded" and outcome.completed
    assert (outcome.lead.status, outcome.lead.percent) == ("in_progress", 50)
    [read] = [s for s in sent if s.startswith("SELECT")]  # the plan, the task's shares, their milestones
    assert reads_of([read], "plans") and "milestones" in read, read
    assert [s.split()[0] for s in sent if not s.startswith("SELECT")] == ["UPDATE", "INSERT"], sent
    assert len(sent) == 3, sent
    [lead] = await plan_app.queries.leads(unit_ids=["van-phong"], task=5)
    assert (lead.status, lead.percent, lead.status_at.replace(tzinfo=None)) == ("in_progress", 50, NOW.replace(tzinfo=None))


async def test_the_same_message_is_recorded_once(plan_app):
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    first = await update(plan_app, head, status="in_progress", percent=40, key="telegram:7")
    again = await update(plan_app, head, status="in_progress", percent=70, key="telegram:7")
    assert (first.kind, again.kind) == ("recorded", "duplicate")
    assert await history_rows(plan_app) == 1
    [lead] = await plan_app.queries.leads(unit_ids=["van-phong"], task=17)
    assert (lead.status, lead.percent) == ("in_progress", 40)  # the refused one changed nothing
    other = await update(plan_app, head, status="in_progress", percent=70, key="telegram:8")
    assert other.kind == "recorded" and await history_rows(plan_app) == 2


async def test_the_current_plan_in_one_statement_is_the_calendar_rule(plan_app):
    """`PlanRepository.current_plan` orders the plans in SQL; it picks what `domain.plan_years.current_year`
    picks from the stored years: today's year's plan, else the latest."""
    from domain.plan_years import current_year

    async with plan_app.sessions() as session, session.begin():
        for year in (2020, 2024):
            session.add(Plan(year=year, title=f"Kế hoạch {year}", issuer="Sở"))
    years = [2020, 2022, 2024]
    for today in (dt.date(2019, 6, 1), dt.date(2020, 12, 31), dt.date(2021, 3, 1), dt.date(2022, 8, 15),
                  dt.date(2023, 1, 2), dt.date(2024, 1, 1), dt.date(2030, 5, 5)):
        async with plan_app.sessions() as session:
            with statements(plan_app) as sent:
                plan = await PlanRepository(session, lambda day=today: day).current_plan()
        assert plan is not None and plan.year == current_year(years, today), today
        assert len(sent) == 1, sent


async def test_a_chosen_share_is_read_with_its_plan_in_the_same_statement(plan_app):
    """A coordinator's update of another unit's share (`lead_id`: chosen, or a button) reads the plan of
    that share, its task's shares and their milestones in one statement too."""
    coordinator = await person(plan_app, "van-phong", "coordinator", "Chị Lan")
    trade = await lead_of(plan_app, 4, "qltm")
    with statements(plan_app) as sent:
        outcome = await update(plan_app, coordinator, task=4, status="in_progress", percent=70, lead_id=trade)
    assert outcome.kind == "recorded" and outcome.lead.unit_id == "qltm" and outcome.year is None
    assert len(sent) == 3, sent


async def test_refusals_and_writes_on_postgresql(tmp_path, postgres_url):
    """The same statement on PostgreSQL (its boolean «is the current plan», its subqueries), and the
    refusals read when the plan has no share of the task."""
    from bot.bootstrap import build_app
    from domain.clock import FixedClock
    from tests.conftest import SEED, make_settings
    from tests.conversation_kit import AUG_15_2022

    app = await build_app(make_settings(tmp_path, database_url=postgres_url), clock=FixedClock(AUG_15_2022))
    try:
        await app.plans.import_plan(SEED)
        head = await person(app, "thanh-tra", "head", "Anh Minh")
        coordinator = await person(app, "van-phong", "coordinator", "Chị Lan")
        first = await update(app, head, task=4, status="in_progress", percent=30, key="telegram:1")
        assert (first.kind, first.year, first.lead.unit_id) == ("recorded", None, "thanh-tra")
        assert (await update(app, head, task=4, status="done", key="telegram:1")).kind == "duplicate"
        trade = await lead_of(app, 4, "qltm")
        chosen = await update(app, coordinator, task=4, status="blocked", note="chờ", lead_id=trade)
        assert (chosen.kind, chosen.lead.unit_id) == ("recorded", "qltm")
        assert (await update(app, head, task=17, status="done")).kind == "forbidden"
        assert (await update(app, head, task=999, status="done")).kind == "unknown_task"
        assert await history_rows(app) == 2
    finally:
        await app.close()
