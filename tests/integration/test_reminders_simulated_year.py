"""Issue 11 «Reminders that people keep switched on», end to end: the simulator over 2022 and January 2023
on the seed with every unit staffed (the issue's «done when»), the simulator on PostgreSQL, a coordinator
assigning a scoped task and previewing a month in chat, delegates and the reasons nobody is reached."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.bootstrap import build_app
from conversation.router import Router
from domain.clock import FixedClock
from domain.reminders import CHECKIN, NO_DELEGATE, NO_HEAD, Planner
from storage.models import ReminderDelivery, ReminderScope, User
from tests.conftest import SEED, make_settings
from tests.conversation_kit import registered
from tests.fakes.reminders import add_person
from tests.run_once import once

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
DATED = ("date", "annual", "periodic_report")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """`reminders simulate --from 2022-01-01 --to 2023-01-31 --staff-all` on the seed, and the plan."""
    import asyncio

    async def run():
        tmp = tmp_path_factory.mktemp("sim")
        app = await build_app(make_settings(tmp))
        try:
            await app.plans.import_plan(SEED)
            messages = await app.reminders.simulate(D(2022, 1, 1), D(2023, 1, 31), staff_all=True)
            plan = await app.plans.dump()
            async with app.sessions() as session:
                written = await session.scalar(select(func.count()).select_from(ReminderDelivery))
                people = await session.scalar(select(func.count()).select_from(User))
            return messages, plan, written, people
        finally:
            await app.close()

    return once(tmp_path_factory, "reminders-simulated", lambda: asyncio.run(run()))


def test_the_real_database_is_never_written(simulated):
    _messages, _plan, written, people = simulated
    assert written == 0 and people == 0


def test_at_most_one_message_per_person_per_day(simulated):
    messages = simulated[0]
    per_day = Counter((m.to_unit, m.role, m.at.date()) for m in messages)
    assert max(per_day.values()) == 1
    kinds = Counter(m.kind for m in messages)
    assert set(kinds) <= {"daily", "digest", "overview", "checkin", "year_end"} and kinds["digest"] > 0
    head = [m for m in messages if (m.to_unit, m.role) == ("van-phong", "head")]
    assert 50 < len(head) < 150  # 292 reminders + 51 overviews before issue 11


def test_no_year_round_countdown_and_nothing_after_the_year_but_its_summary(simulated):
    messages = simulated[0]
    plan = simulated[1]
    year_round = {(t["number"], m["label"]) for t in plan["tasks"] for a in t["assignments"] for m in a["milestones"]
                  if m["kind"] == "year_round"}
    for m in messages:
        for item in m.items:
            if (item["task"], item["milestone"]) in year_round:
                assert item["kind"] not in ("due_today", "overdue", "before_due"), (m.at, item)
    late = [m for m in messages if m.at.date() > D(2023, 1, 3)]
    assert late == []
    january = [m for m in messages if m.at.date() >= D(2023, 1, 1)]
    assert january and all(m.kind == "year_end" for m in january)


def test_task_1_is_never_overdue_and_task_25_never_reaches_thanh_tra(simulated):
    messages = simulated[0]
    assert not [i for m in messages for i in m.items if i["task"] == 1 and i["due"] == "2021-12-31"]
    assert not [m for m in messages if m.to_unit == "thanh-tra" and any(i["task"] == 25 for i in m.items)]
    assert not [m for m in messages if "NV 25 ·" in m.text]


def test_every_dated_milestone_of_a_reachable_share_is_in_a_message_before_its_deadline(simulated):
    messages, plan, _, _ = simulated
    seen: dict[tuple, dt.date] = {}
    for m in messages:
        for i in m.items:
            key = (i["task"], i["recipient_unit"], i["due"])
            seen[key] = min(seen.get(key, m.at.date()), m.at.date())
    wanted = []
    for t in plan["tasks"]:
        for a in t["assignments"]:
            if a["scope"] and len(a["lead"]) > 1:
                continue  # a scoped collective share nobody has been assigned
            for ms in a["milestones"]:
                if ms["kind"] in DATED and ms["due"] and ms["due"] >= "2022-01-01":
                    wanted.extend((t["number"], unit, ms["due"]) for unit in a["lead"])
    lost = [w for w in wanted if w not in seen or seen[w] > D.fromisoformat(w[2])]
    assert len(wanted) == 21 and lost == []  # reported in the closing note


async def test_simulate_on_postgres_uses_a_temporary_database(postgres_url, tmp_path, monkeypatch):
    import uuid

    from storage import sandbox

    made: list[uuid.UUID] = []  # this simulation's copy (other tests may be simulating on the server meanwhile)
    original = uuid.uuid4

    def uuid4():
        made.append(value := original())
        return value

    monkeypatch.setattr(sandbox.uuid, "uuid4", uuid4)
    app = await build_app(make_settings(tmp_path, database_url=postgres_url))
    try:
        await app.plans.import_plan(SEED)
        await add_person(app, "van-phong", "head")
        messages = await app.reminders.simulate(D(2022, 9, 19), D(2022, 9, 30), staff_all=True)
        assert {(m.to_unit, m.role) for m in messages} >= {("van-phong", "head"), ("van-phong", "coordinator")}
        async with app.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(ReminderDelivery)) == 0
            assert await session.scalar(select(func.count()).select_from(User)) == 1
        async with app.engine.connect() as connection:
            from sqlalchemy import text

            names = (await connection.execute(text("SELECT datname FROM pg_database"))).scalars().all()
        assert made and not {f"cchc_sim_{u.hex[:12]}" for u in made} & set(names)
    finally:
        await app.close()


async def test_a_coordinator_assigns_a_scoped_task_in_chat(seeded_app):
    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 12, 7, 9, tzinfo=TZ))  # the year-round check-in before 14/12
    router = Router(app)
    coordinator = await registered(app, router, "vp-coord", "van-phong", "coordinator")
    head = await registered(app, router, "tt-head", "thanh-tra")
    await registered(app, router, "qltm-head", "qltm")

    assert "Chỉ Văn phòng Sở" in await head.text("nv 54 giao QLTM, QLNL")
    assert "Không nhận ra đơn vị «phòng xyz»" in await coordinator.text("nv 54 giao QLTM, phòng xyz")
    assert "không cần giao đơn vị" in await coordinator.text("nv 3 giao QLTM")
    assert "không thuộc các đơn vị chủ trì" in await coordinator.text("nv 54 giao TTKC")
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ReminderScope)) == 0  # bad input: no change

    def checkin_tasks(items, unit: str) -> set[int]:
        return {c.task_number for i in items if i.kind == CHECKIN and i.unit_id == unit for c in i.content}

    before = await app.reminders.due(app.clock.now())
    assert 54 not in checkin_tasks(before, "qltm") and 54 not in checkin_tasks(before, "thanh-tra")
    answer = await coordinator.text("nv 54 giao QLTM, QLNL")
    assert "Phòng Quản lý Thương mại, Phòng Quản lý Năng lượng" in answer and "được giao quản trị phần mềm" in answer
    after = await app.reminders.due(app.clock.now())
    assert 54 in checkin_tasks(after, "qltm") and 54 in checkin_tasks(after, "qlnl")
    assert 54 not in checkin_tasks(after, "thanh-tra")
    qltm = next(i for i in after if i.kind == CHECKIN and i.unit_id == "qltm")
    line = next(line for line in qltm.message.splitlines() if "NV 54 · " in line)
    assert line.split("NV 54 · ", 1)[1].startswith("Xây dựng cơ sở dữ liệu, phần mềm quản lý")
    assert line.endswith("(được giao quản trị phần mềm)")
    await coordinator.text("nv 54 giao QLNL")  # a new word replaces the old one
    assert 54 not in checkin_tasks(await app.reminders.due(app.clock.now()), "qltm")


async def test_a_coordinator_previews_december_in_chat(seeded_app):
    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 11, 21, 9, tzinfo=TZ))
    router = Router(app)
    coordinator = await registered(app, router, "vp-coord", "van-phong", "coordinator")
    head = await registered(app, router, "qlcn-head", "qlcn")
    answer = await coordinator.text("xem trước nhắc nhở tháng 12")
    assert "Xem trước nhắc việc tháng 12/2022" in answer
    assert "Văn phòng Sở (trưởng đơn vị)" in answer and "Phòng Quản lý Công nghiệp (trưởng đơn vị)" in answer
    assert "tối đa một tin mỗi ngày" in answer
    assert "Chỉ Văn phòng Sở" in await head.text("xem truoc nhac nho thang 12")
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ReminderDelivery)) == 0


async def test_delegates_and_why_nobody_is_reached(seeded_app):
    app = seeded_app
    assert app.units.get("lanh-dao-so").reminders_to == ("van-phong", "head")
    assert app.units.get("mot-cua").reminders_to == ("mot-cua", "officer")
    at = dt.datetime(2022, 12, 7, 9, tzinfo=TZ)
    items = await app.reminders.due(at)
    reasons = {i.unit_id: i.unreachable_reason for i in items if i.kind == CHECKIN}
    assert reasons["lanh-dao-so"] == NO_DELEGATE and reasons["qlcn"] == NO_HEAD
    head = await add_person(app, "van-phong", "head")
    desk = await add_person(app, "mot-cua", "officer")  # an officer who never opted in still receives for the desk
    items = await app.reminders.due(at)
    by_unit = {i.unit_id: i for i in items if i.kind == CHECKIN}
    assert by_unit["lanh-dao-so"].recipients == [head] and by_unit["lanh-dao-so"].unreachable_reason is None
    assert by_unit["mot-cua"].recipients == [desk]
    assert "Thay cho Lãnh đạo Sở" in by_unit["lanh-dao-so"].message
    assert all(i.recipients or i.unreachable_reason for i in items)


def test_planner_rules_without_a_database():
    from bot.settings import DEFAULTS
    from domain.reminders import Candidate, before_plan
    from domain.reminders.policy import ReminderPolicy
    from domain.workdays import WorkingCalendar

    planner = Planner(ReminderPolicy(), WorkingCalendar.load(DEFAULTS / "calendar_overrides.yaml"), TZ)
    assert before_plan(D(2021, 12, 31), 2022) and not before_plan(D(2022, 1, 1), 2022)
    assert planner.year_end_day(2022) == D(2023, 1, 3)  # 02/01/2023 is the New Year holiday
    assert planner.checkins_due(D(2022, 9, 7), [D(2022, 9, 14)]) == [D(2022, 9, 14)]
    assert planner.checkins_due(D(2022, 9, 15), [D(2022, 9, 14)]) == []
    # No overdue step after the plan year: task 7's annual report (Sunday 18/12/2022).
    steps = planner.steps(D(2022, 12, 18), True, (7, 3, 1), 2022)
    assert max(s.slot for s in steps) == D(2022, 12, 29)
    # Year-round work and what the plan fulfils are never counted down.
    now = dt.datetime(2022, 12, 30, 9, tzinfo=TZ)
    year_round = Candidate(1, "qlcn", 1, "year_round", "Cả năm", D(2022, 12, 31), 4, plan_year=2022)
    fulfilled = Candidate(2, "van-phong", 2, "date", "Ban hành", D(2021, 12, 31), 1, plan_year=2022)
    assert planner.plan(now, [year_round, fulfilled], []) == []
    # A consolidated report asks its contributors (not its lead) for input 3 working days before the cut-off.
    report = Candidate(3, "van-phong", 3, "periodic_report", "Báo cáo Quý III", D(2022, 9, 15), 5, plan_year=2022,
                       cutoff=D(2022, 9, 14), contributors=("van-phong", "qlcn", "ttkc"))
    items = planner.plan(dt.datetime(2022, 9, 9, 9, tzinfo=TZ), [report], [])
    assert sorted(i.unit_id for i in items if i.kind == "report_input") == ["qlcn", "ttkc"]
    assert all(i.unreachable_reason == NO_HEAD for i in items)
