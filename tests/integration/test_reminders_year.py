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
from bot.settings import DEFAULTS
from domain.clock import FixedClock
from domain.people import UserView
from domain.workdays import WorkingCalendar
from storage.models import Assignment, AssignmentLead, ReminderDelivery, Task
from tests.conftest import SEED, make_settings
from tests.fakes.reminders import RecordingSender, Sent, add_person, fast_service, set_status
from tests.run_once import once

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
HEADS = ("van-phong", "thanh-tra", "khtcth", "qlcn", "qltm", "qlnl", "ttkc")
TICKS = (dt.time(7), dt.time(8), dt.time(12), dt.time(17))
ICONS = ("⚠️", "📌", "📥", "🔔", "📊")  # the lines of a day's items (a digest's own lines start with «•»)


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


def item_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(ICONS)]


def about(sent: list[Sent], task: int, label: str) -> list[Sent]:
    """Messages with a reminder line (not a digest line) about that milestone of that task."""
    return [s for s in sent
            if any(f"NV {task} ·" in line and f"— {label}:" in line for line in item_lines(s.reply.text))]


def line(s: Sent, task: int) -> str:
    return next(x for x in item_lines(s.reply.text) if f"NV {task} ·" in x)


def days(sent: list[Sent]) -> list[dt.date]:
    return [s.at.date() for s in sent]


def digests(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.reply.text.startswith("📅")]


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """Run 2022 and January 2023 once and let each test look at one aspect of it."""
    import asyncio

    async def run():
        tmp = tmp_path_factory.mktemp("year")
        clock = FixedClock(dt.datetime(2022, 1, 1, 7, tzinfo=TZ))
        app = await build_app(make_settings(tmp), clock=clock)
        await app.plans.import_plan(SEED)
        for unit in HEADS:
            await add_person(app, unit, "head")
        await add_person(app, "lanh-dao-so", "leader")  # read-only: Văn phòng's head receives in its place
        await add_person(app, "mot-cua", "officer")  # the desk has no head: its officers receive
        await add_person(app, "van-phong", "coordinator")
        await add_person(app, "qlcn", "officer", enabled=True)
        await add_person(app, "qltm", "officer")  # did not opt in
        service = fast_service(app)
        sender = RecordingSender(clock)
        task8 = await lead_id(app, 8, "van-phong")

        async def finish_task_8() -> None:
            await set_status(app, [task8], "done")

        await simulate(app, clock, service, sender, D(2022, 1, 1), D(2023, 1, 31), {D(2022, 10, 10): finish_task_8})
        async with app.sessions() as session:
            ledger = dict((await session.execute(
                select(ReminderDelivery.state, func.count()).group_by(ReminderDelivery.state))).all())
            quiet = (await session.scalars(
                select(ReminderDelivery.kind).where(ReminderDelivery.state != "sent").distinct())).all()
            keys = (await session.scalars(select(ReminderDelivery.key))).all()
            messages = await session.scalar(
                select(func.count()).select_from(ReminderDelivery).where(ReminderDelivery.key.like("msg:%")))
        result = {"sent": sender.sent, "ledger": ledger, "quiet": quiet, "keys": keys, "task8": task8,
                  "task3": await lead_id(app, 3, "van-phong"), "messages": messages}
        await app.close()
        return result

    return once(tmp_path_factory, "reminders-year", lambda: asyncio.run(run()))


def test_nothing_on_weekends_holidays_or_outside_office_hours(year):
    vn = holidays.Vietnam(years=(2022, 2023))
    assert len(year["sent"]) > 150
    for s in year["sent"]:
        local = s.at.astimezone(TZ)
        assert local.weekday() < 5, s
        assert local.date() not in vn, s
        assert dt.time(8) <= local.time() < dt.time(17), s
    tet = [s for s in year["sent"] if D(2022, 1, 29) <= s.at.date() <= D(2022, 2, 6)]
    assert tet == []


def test_one_message_per_person_per_working_day_and_every_key_once(year):
    per_day = [(s.chat_id, s.at.date()) for s in year["sent"]]
    assert len(per_day) == len(set(per_day))
    assert all(s.at.astimezone(TZ).time() == dt.time(8) for s in year["sent"])  # all at the window's opening
    assert len(year["keys"]) == len(set(year["keys"]))
    assert year["messages"] == len(year["sent"])
    # Besides the messages and the items they carried, only empty weekly digests are settled (as «skipped»).
    assert set(year["ledger"]) <= {"sent", "skipped"} and year["quiet"] == ["digest"]


def test_quarter_deadline_sequence_and_overdue_repeats(year):
    """Task 3 (Quý III, due Friday 30/09/2022) is never reported done: 7/3/1 days before, on the day,
    then every 3 working days, five times, and nothing after — one line of that day's message each time."""
    head = [s for s in year["sent"] if s.chat_id == "van-phong-head"]
    task3 = about(head, 3, "Quý III")
    assert days(task3) == [
        D(2022, 9, 21), D(2022, 9, 27), D(2022, 9, 29), D(2022, 9, 30),
        D(2022, 10, 5), D(2022, 10, 10), D(2022, 10, 13), D(2022, 10, 18), D(2022, 10, 21),
    ]
    assert "hạn 30/09, còn 7 ngày làm việc" in line(task3[0], 3)
    assert "hạn hôm nay" in line(task3[3], 3)
    assert "quá 15 ngày làm việc" in line(task3[-1], 3)
    data = [b.data for row in task3[0].reply.buttons for b in row]
    lead = year["task3"]
    assert f"st:{lead}:done" in data
    assert [d.rsplit(":", 1)[1] for d in data if d.startswith("sn:")] == ["1d", "3d", "mon"]
    # 21/09: task 8 (same deadline) and the overdue reports share the message with task 3.
    assert "NV 8 ·" in task3[0].reply.text and len(item_lines(task3[0].reply.text)) >= 2


def test_overdue_repeats_stop_when_status_becomes_done(year):
    """Task 8 has the same deadline as task 3 but is marked done on 10/10 before office hours."""
    head = [s for s in year["sent"] if s.chat_id == "van-phong-head"]
    assert days(about(head, 8, "Quý III")) == [
        D(2022, 9, 21), D(2022, 9, 27), D(2022, 9, 29), D(2022, 9, 30), D(2022, 10, 5),
    ]


def test_sunday_deadline_reminded_on_friday_and_nothing_overdue_after_the_year(year):
    """Báo cáo kiểm soát TTHC năm (task 7) is due Sunday 18/12/2022; the plan year closes on 31/12."""
    head = [s for s in year["sent"] if s.chat_id == "van-phong-head"]
    report = about(head, 7, "Báo cáo năm")
    assert days(report) == [
        D(2022, 12, 6), D(2022, 12, 12), D(2022, 12, 14), D(2022, 12, 16),  # 10, 5 (Sun→Mon), 2 days; Friday
        D(2022, 12, 21), D(2022, 12, 26), D(2022, 12, 29),  # overdue; none in 2023: the plan year closed
    ]
    # written as everywhere else (presentation.format.deadline), counted from Friday 16/12
    assert "Báo cáo năm: hạn 18/12 (CN) → nộp trước thứ Sáu 16/12 — **hạn hôm nay**" in line(report[3], 7)
    assert "hạn 18/12 (CN) → nộp trước thứ Sáu 16/12, còn 2 ngày làm việc" in line(report[2], 7)
    assert "hạn 18/12 (CN) → nộp trước thứ Sáu 16/12, **quá 3 ngày làm việc**" in line(report[4], 7)
    assert line(report[0], 7).startswith("📊")


def test_year_round_work_is_never_a_countdown_but_gets_check_ins(year):
    sent = year["sent"]
    lines = [x for s in sent for x in item_lines(s.reply.text)]
    assert not [x for x in lines if "— Cả năm:" in x or "— Thực hiện:" in x]
    assert not [s for s in sent if s.at.date() in (D(2022, 12, 30), D(2022, 12, 31))
                and ("hôm nay" in s.reply.text and "Cả năm" in s.reply.text)]
    qlcn = [s for s in sent if s.chat_id == "qlcn-head"]
    checkins = [s for s in qlcn if "việc thường xuyên trước" in s.reply.text]
    # 5 working days before each CCHC cut-off: 14/03, 14/06, 14/09, 14/12.
    assert days(checkins) == [D(2022, 3, 7), D(2022, 6, 7), D(2022, 9, 7), D(2022, 12, 7)]
    assert "cần kết quả quý III" in checkins[2].reply.text and "trước **hạn 14/09**" in checkins[2].reply.text
    assert "«nv " in checkins[2].reply.text and "đang làm 60%" in checkins[2].reply.text
    assert "Bấm ✅" not in checkins[2].reply.text  # nothing to press: the answer is typed
    office = next(s for s in sent if s.chat_id == "van-phong-head" and s.at.date() == D(2022, 9, 7)).reply.text
    assert "🔁 Cập nhật kết quả quý III" in office and "Văn phòng Sở cần" not in office


def test_report_contributors_send_their_input_before_the_cut_off(year):
    qlcn = [s for s in year["sent"] if s.chat_id == "qlcn-head"]
    inputs = [s for s in qlcn if "gửi số liệu" in s.reply.text]
    # 3 working days before the cut-offs 14/03, 14/06, 14/09, 14/12; tasks 5 and 7 in one message.
    assert days(inputs) == [D(2022, 3, 9), D(2022, 6, 9), D(2022, 9, 9), D(2022, 12, 9)]
    assert all("NV 5 ·" in s.reply.text and "NV 7 ·" in s.reply.text for s in inputs)
    assert "cho Văn phòng Sở trước **hạn 14/09** (còn 3 ngày làm việc)" in inputs[2].reply.text
    assert "gửi số liệu" not in " ".join(s.reply.text for s in year["sent"] if s.chat_id == "van-phong-head"
                                         and "Thay cho" not in s.reply.text)


def test_the_plan_year_closes_with_a_year_end_summary(year):
    january = [s for s in year["sent"] if s.at.date() >= D(2023, 1, 1)]
    assert january and {s.at.date() for s in january} == {D(2023, 1, 3)}  # 02/01/2023 is a holiday
    assert all("Tổng kết năm 2022" in s.reply.text for s in january)
    chats = {s.chat_id for s in january}
    assert {"van-phong-head", "qlcn-head", "van-phong-coordinator", "mot-cua-officer"} <= chats
    coordinator = next(s for s in january if s.chat_id == "van-phong-coordinator").reply.text
    assert "toàn Sở" in coordinator and "• Văn phòng Sở:" in coordinator


def test_what_the_plan_itself_fulfils_is_never_reminded(year):
    """Task 1 «Ban hành Kế hoạch: Tháng 12/2021» is the imported plan itself."""
    for s in year["sent"]:
        assert not any("NV 1 ·" in x and "Ban hành Kế hoạch" in x for x in s.reply.text.splitlines()), s


def test_scoped_collective_leads_are_not_pushed_to_every_unit(year):
    """Task 25 («Các phòng, đơn vị giải quyết hồ sơ trễ hẹn») is assigned to nobody: nobody hears of it."""
    assert not [s for s in year["sent"] if "NV 25 ·" in s.reply.text]
    assert not [s for s in year["sent"] if s.chat_id == "thanh-tra-head" and "NV 54 ·" in s.reply.text]


def test_delegates_receive_for_units_nobody_can_receive_for(year):
    sent = year["sent"]
    assert [s for s in sent if s.chat_id == "van-phong-head" and "Thay cho Lãnh đạo Sở" in s.reply.text]
    assert not [s for s in sent if s.chat_id == "lanh-dao-so-leader"]
    desk = [s for s in sent if s.chat_id == "mot-cua-officer"]
    assert desk and all("NV 22 ·" in s.reply.text for s in desk if "việc thường xuyên trước" in s.reply.text)


def test_recipients(year):
    sent = year["sent"]
    officer = [s for s in sent if s.chat_id == "qlcn-officer"]
    head = {s.at.date(): s for s in sent if s.chat_id == "qlcn-head"}
    assert officer and all(set(item_lines(s.reply.text)) <= set(item_lines(head[s.at.date()].reply.text))
                           for s in officer)
    assert [s for s in sent if s.chat_id == "qltm-officer"] == []
    coordinator = [s for s in sent if s.chat_id == "van-phong-coordinator"]
    assert coordinator and all(s.reply.text.startswith(("📋", "🗂", "📈")) for s in coordinator)
    # Issue 13: the targets still without a figure, counted on each check-in day (07/03 is a Monday: in the overview)
    gaps = [s.at.date() for s in coordinator if "📈 Chỉ tiêu chưa có số liệu" in s.reply.text]
    assert gaps == [D(2022, 3, 7), D(2022, 6, 7), D(2022, 9, 7), D(2022, 12, 7)]


def test_weekly_digests(year):
    sent = year["sent"]
    vp = digests([s for s in sent if s.chat_id == "van-phong-head"])
    # Weeks with something dated to say get one, on their first working day, at 08:00.
    assert not [d for d in days(vp) if D(2022, 1, 31) <= d <= D(2022, 2, 6)]  # the Tết week has none
    assert all(s.at.astimezone(TZ).time() == dt.time(8) for s in vp)
    workdays = WorkingCalendar.load(DEFAULTS / "calendar_overrides.yaml")
    first = {d: workdays.next_working_day(d - dt.timedelta(days=d.weekday())) for d in days(vp)}
    assert all(d == first[d] for d in days(vp)) and D(2022, 5, 4) in days(vp)  # 02–03/05 were holidays
    week = next(s for s in vp if s.at.date() == D(2022, 9, 26)).reply.text
    this_week, overdue = week.split("**Quá hạn")[0], week.split("**Quá hạn")[1]
    assert "Đến hạn trong tuần (2)" in this_week
    assert "NV 3 · Kế hoạch kiểm tra CCHC năm 2022 — Quý III: hạn 30/09 (thứ Sáu)" in this_week
    assert "NV 1 ·" not in overdue  # what the plan itself fulfils is never overdue
    # Overdue on 26/09: newest first, five listed, the rest counted. Task 7's Q3 report (18/09) is repeated
    # today, so it is among today's items above and not listed twice.
    assert overdue.startswith(" (13), mới nhất trước:**")
    lines = [x for x in overdue.splitlines() if x.startswith("• NV")]
    assert len(lines) == 5 and "Báo cáo Quý III: hạn 15/09, quá 7 ngày làm việc" in lines[0]
    dues = [dt.datetime.strptime(re.search(r"hạn (\d\d/\d\d)", x).group(1) + "/2022", "%d/%m/%Y") for x in lines]
    assert dues == sorted(dues, reverse=True)
    assert "NV 7 · " in this_week and "Báo cáo Quý III: hạn 18/09 (CN) → nộp trước thứ Sáu 16/09" in this_week
    assert "• +7 việc trễ cũ hơn — gõ «việc trễ hạn»" in overdue
    assert "🔁 Việc thường xuyên:" in week
    before_reports = next(s for s in vp if s.at.date() == D(2022, 11, 28)).reply.text
    assert "Báo cáo sắp đến hạn" in before_reports and "Báo cáo năm: hạn 18/12 (CN) → nộp trước thứ Sáu 16/12" in before_reports
    # qlcn only leads «Cả năm» work: no digest all year (year-round work alone is not worth a Monday message).
    assert digests([s for s in sent if s.chat_id == "qlcn-head"]) == []
    overview = [s for s in sent if s.chat_id == "van-phong-coordinator" and s.reply.text.startswith("📋")]
    late = next(s for s in overview if s.at.date() == D(2022, 10, 24)).reply.text
    # Văn phòng's 13 overdue items of 26/09 plus task 3 (30/09); task 8 was done on 10/10.
    match = re.search(r"• Văn phòng Sở: (\d+) \(NV ([\d, …]+)\)", late)
    assert match and match.group(1) == "14"


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
    task20 = [s for s in sender.sent if "NV 20 ·" in s.reply.text]
    assert [s.at for s in task20] == [
        dt.datetime(2022, 2, 7, 8, tzinfo=TZ), dt.datetime(2022, 2, 8, 8, tzinfo=TZ),
        dt.datetime(2022, 2, 9, 8, tzinfo=TZ),
    ]
    assert "còn 2 ngày làm việc" in line(task20[0], 20)
    assert "hạn hôm nay" in line(task20[2], 20)
