"""A whole year of the seed plan under a controllable clock: when reminders go out, to whom, and what
they say. Ticks run at 07:00, 08:00, 12:00 and 17:00 of every day of 2022."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import func, select

from bot.bootstrap import build_app
from domain.clock import FixedClock
from domain.people import UserView
from storage.models import Assignment, AssignmentLead, ReminderDelivery, Task
from tests.conftest import SEED, make_settings
from tests.fakes.reminders import RecordingSender, Sent, add_person, fast_service, set_status

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
HEADS = ("van-phong", "thanh-tra", "khtcth", "qlcn", "qltm", "qlnl", "ttkc", "mot-cua", "lanh-dao-so")
TICKS = (dt.time(7), dt.time(8), dt.time(12), dt.time(17))


async def lead_id(app, task: int, unit: str, position: int = 0) -> int:
    async with app.sessions() as session:
        return await session.scalar(
            select(AssignmentLead.id)
            .join(Assignment, Assignment.id == AssignmentLead.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.number == task, AssignmentLead.unit_id == unit, Assignment.position == position)
        )


async def simulate(app, clock, service, sender, start: dt.date, end: dt.date, hooks=None, times=TICKS) -> None:
    day = start
    while day <= end:
        if hooks and day in hooks:
            await hooks[day]()
        for t in times:
            clock.set(dt.datetime.combine(day, t, TZ))
            await service.tick({"telegram": sender})
        day += dt.timedelta(days=1)


def about(sent: list[Sent], task: int, label: str) -> list[Sent]:
    return [s for s in sent if f"**Nhiệm vụ {task}:**" in s.reply.text and f"Mốc: **{label}**" in s.reply.text]


def days(sent: list[Sent]) -> list[dt.date]:
    return [s.at.date() for s in sent]


def digests(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.reply.text.startswith("📅")]


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """Run the year once (≈ 6 s) and let each test look at one aspect of it."""
    import asyncio

    async def run():
        tmp = tmp_path_factory.mktemp("year")
        clock = FixedClock(dt.datetime(2022, 1, 1, 7, tzinfo=TZ))
        app = await build_app(make_settings(tmp), clock=clock)
        await app.plans.import_plan(SEED)
        for unit in HEADS:
            await add_person(app, unit, "head")
        await add_person(app, "van-phong", "coordinator")
        await add_person(app, "qlcn", "officer", enabled=True)
        await add_person(app, "qltm", "officer")  # did not opt in
        service = fast_service(app)
        sender = RecordingSender(clock)
        task8 = await lead_id(app, 8, "van-phong")

        async def finish_task_8() -> None:
            await set_status(app, [task8], "done")

        await simulate(app, clock, service, sender, D(2022, 1, 1), D(2022, 12, 31), {D(2022, 10, 10): finish_task_8})
        async with app.sessions() as session:
            ledger = dict((await session.execute(
                select(ReminderDelivery.state, func.count()).group_by(ReminderDelivery.state))).all())
            quiet = (await session.scalars(
                select(ReminderDelivery.kind).where(ReminderDelivery.state != "sent").distinct())).all()
            keys = (await session.scalars(select(ReminderDelivery.key))).all()
        result = {"sent": sender.sent, "ledger": ledger, "quiet": quiet, "keys": keys, "task8": task8,
                  "task3": await lead_id(app, 3, "van-phong")}
        await app.close()
        return result

    return asyncio.run(run())


def test_nothing_on_weekends_holidays_or_outside_office_hours(year):
    vn = holidays.Vietnam(years=2022)
    assert len(year["sent"]) > 300
    for s in year["sent"]:
        local = s.at.astimezone(TZ)
        assert local.weekday() < 5, s
        assert local.date() not in vn, s
        assert dt.time(8) <= local.time() < dt.time(17), s
    tet = [s for s in year["sent"] if D(2022, 1, 29) <= s.at.date() <= D(2022, 2, 6)]
    assert tet == []


def test_every_key_delivered_once(year):
    assert len(year["keys"]) == len(set(year["keys"]))
    assert year["ledger"]["sent"] == len(year["sent"])
    # Besides the messages, only empty weekly digests are settled (as «skipped», without a message).
    assert set(year["ledger"]) <= {"sent", "skipped"} and year["quiet"] == ["digest"]


def test_quarter_deadline_sequence_and_overdue_repeats(year):
    """Task 3 (Quý III, due Friday 30/09/2022) is never reported done: 7/3/1 days before, on the day,
    then every 3 working days, five times, and nothing after."""
    head = [s for s in year["sent"] if s.chat_id == "van-phong-head"]
    task3 = about(head, 3, "Quý III")
    assert days(task3) == [
        D(2022, 9, 21), D(2022, 9, 27), D(2022, 9, 29), D(2022, 9, 30),
        D(2022, 10, 5), D(2022, 10, 10), D(2022, 10, 13), D(2022, 10, 18), D(2022, 10, 21),
    ]
    assert all(s.at.astimezone(TZ).time() == dt.time(8) for s in task3)
    assert "còn 7 ngày làm việc" in task3[0].reply.text
    assert "Hôm nay là hạn chót" in task3[3].reply.text
    assert "Đã quá hạn 15 ngày làm việc" in task3[-1].reply.text
    assert "30/09/2022 (thứ Sáu)" in task3[0].reply.text
    data = [b.data for row in task3[0].reply.buttons for b in row]
    lead = year["task3"]
    assert data[:3] == [f"st:{lead}:done", f"st:{lead}:in_progress", f"st:{lead}:blocked"]
    assert [d.rsplit(":", 1)[1] for d in data[3:]] == ["1d", "3d", "mon"]


def test_overdue_repeats_stop_when_status_becomes_done(year):
    """Task 8 has the same deadline as task 3 but is marked done on 10/10 before office hours."""
    head = [s for s in year["sent"] if s.chat_id == "van-phong-head"]
    assert days(about(head, 8, "Quý III")) == [
        D(2022, 9, 21), D(2022, 9, 27), D(2022, 9, 29), D(2022, 9, 30), D(2022, 10, 5),
    ]


def test_sunday_deadline_reminded_on_friday(year):
    """Báo cáo kiểm soát TTHC năm (task 7) is due Sunday 18/12/2022."""
    head = [s for s in year["sent"] if s.chat_id == "van-phong-head"]
    report = about(head, 7, "Báo cáo năm")
    assert days(report) == [
        D(2022, 12, 6), D(2022, 12, 12), D(2022, 12, 14), D(2022, 12, 16),  # 10, 5 (Sun→Mon), 2 days; Friday
        D(2022, 12, 21), D(2022, 12, 26), D(2022, 12, 29),  # overdue; 2023's repeats are outside the run
    ]
    assert "rơi vào Chủ nhật" in report[3].reply.text
    assert "Sắp đến hạn nộp báo cáo" in report[0].reply.text


def test_recipients(year):
    sent = year["sent"]
    officer = [s for s in sent if s.chat_id == "qlcn-officer"]
    head = [s for s in sent if s.chat_id == "qlcn-head" and not s.reply.text.startswith("📅")]
    assert officer and [s.reply.text for s in officer] == [s.reply.text for s in head]
    assert [s for s in sent if s.chat_id == "qltm-officer"] == []
    assert not [s for s in sent if s.chat_id == "van-phong-coordinator" and not s.reply.text.startswith("📋")]


def test_weekly_digests(year):
    sent = year["sent"]
    vp = digests([s for s in sent if s.chat_id == "van-phong-head"])
    # Every week with a working day has one, on its first working day at 08:00.
    assert D(2022, 1, 4) in days(vp)  # Monday 03/01 was the New Year holiday
    assert not [d for d in days(vp) if D(2022, 1, 31) <= d <= D(2022, 2, 6)]  # the Tết week has none
    assert D(2022, 2, 7) in days(vp)
    assert all(s.at.astimezone(TZ).time() == dt.time(8) for s in vp)
    assert len(days(vp)) == len(set(days(vp)))
    week = next(s for s in vp if s.at.date() == D(2022, 9, 26)).reply.text
    this_week, overdue = week.split("**Quá hạn")[0], week.split("**Quá hạn")[1]
    assert "Đến hạn trong tuần (2)" in this_week
    assert "NV 3 · Quý III — 30/09/2022" in this_week and "NV 8 · Quý III" in this_week
    assert "NV 1 · Ban hành Kế hoạch — 31/12/2021" in overdue
    # Overdue on 26/09: task 1 (12/2021), seven «Quý I» milestones, six periodic reports (Q1, H1/Q2, Q3
    # of tasks 5 and 7) — oldest first, ten listed, the rest counted.
    assert overdue.startswith(" (14):**")
    assert "NV 5 · Báo cáo Quý I — 15/03/2022" in overdue and "… và 4 phần việc khác" in overdue
    before_reports = next(s for s in vp if s.at.date() == D(2022, 11, 28)).reply.text
    assert "Báo cáo sắp đến hạn" in before_reports and "NV 7 · Báo cáo năm — 18/12/2022" in before_reports
    # qlcn only leads «Cả năm» work: its digest is empty (not sent) until the last week of the year.
    assert days(digests([s for s in sent if s.chat_id == "qlcn-head"])) == [D(2022, 12, 26)]
    overview = [s for s in sent if s.chat_id == "van-phong-coordinator"]
    assert overview and all(s.reply.text.startswith("📋") for s in overview)
    late = next(s for s in overview if s.at.date() == D(2022, 10, 24)).reply.text
    # Văn phòng's 14 overdue items of 26/09 plus task 3 (30/09); task 8 was done on 10/10.
    match = re.search(r"• Văn phòng Sở: (\d+) \(NV ([\d, …]+)\)", late)
    assert match and match.group(1) == "15" and match.group(2).startswith("1, 5, 7, 2")


async def test_override_days_off_and_make_up_saturday(tmp_path):
    """An official day off moves reminders off it; a make-up Saturday is a working day."""
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "days_off:\n  - {date: '2022-09-27', note: 'nghỉ bù (thử)'}\n"
        "extra_working_days:\n  - {date: '2022-09-24', note: 'làm bù (thử)'}\n",
        encoding="utf-8",
    )
    clock = FixedClock(dt.datetime(2022, 9, 1, 7, tzinfo=TZ))
    app = await build_app(make_settings(tmp_path, calendar_overrides_file=overrides), clock=clock)
    try:
        await app.plans.import_plan(SEED)
        await add_person(app, "van-phong", "head")
        sender = RecordingSender(clock)
        await simulate(app, clock, fast_service(app), sender, D(2022, 9, 1), D(2022, 9, 30),
                       times=(dt.time(8), dt.time(12)))
        assert not [s for s in sender.sent if s.at.date() == D(2022, 9, 27)]
        # 3 working days before Friday 30/09 is now Monday 26/09 (27/09 is off).
        assert days(about(sender.sent, 3, "Quý III")) == [D(2022, 9, 21), D(2022, 9, 26), D(2022, 9, 29),
                                                           D(2022, 9, 30)]
        # Saturday 24/09 works: the second overdue repeat of task 7's Q3 report (due Sun 18/09) goes then.
        assert D(2022, 9, 24) in days(about(sender.sent, 7, "Báo cáo Quý III"))
    finally:
        await app.close()


async def test_tet_shifts_a_reminder_to_the_next_working_morning(seeded_app):
    """Task 20's deadline is 3 working days after a decision is received. The coordinator records it
    at 17:30 on Friday 28/01/2022, the last working day before Tết: the reminder that became due that
    evening waits through the nine days of Tết and goes out at 08:00 on Monday 07/02."""
    app = seeded_app
    clock = FixedClock(dt.datetime(2022, 1, 28, 16, tzinfo=TZ))
    app.clock = clock
    head = await add_person(app, "van-phong", "head")
    coordinator = await add_person(app, "van-phong", "coordinator")
    service = fast_service(app)
    sender = RecordingSender(clock)
    outcome = await app.statuses.record_trigger(UserView(coordinator, "van-phong", "coordinator"), task=20,
                                                day=D(2022, 1, 28))
    assert outcome.kind == "recorded" and outcome.milestones[0][1] == D(2022, 2, 9)
    assert head
    moment = dt.datetime(2022, 1, 28, 17, 30, tzinfo=TZ)
    while moment <= dt.datetime(2022, 2, 9, 12, tzinfo=TZ):
        clock.set(moment)
        await service.tick({"telegram": sender})
        moment += dt.timedelta(minutes=30)
    task20 = [s for s in sender.sent if "**Nhiệm vụ 20:**" in s.reply.text]
    assert [s.at for s in task20] == [
        dt.datetime(2022, 2, 7, 8, tzinfo=TZ), dt.datetime(2022, 2, 8, 8, tzinfo=TZ),
        dt.datetime(2022, 2, 9, 8, tzinfo=TZ),
    ]
    assert "còn 2 ngày làm việc" in task20[0].reply.text
    assert "Hôm nay là hạn chót" in task20[2].reply.text
