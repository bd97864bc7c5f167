"""One date everywhere (issue 12, point 6): a deadline on a day off reads the same in task details and
reminders, and lateness counts from the working day the work is really due.

Task 7 of the 2022 plan (Văn phòng Sở, «Báo cáo kiểm soát TTHC định kỳ») has its Quý III report due
Sunday 18/09/2022 and its annual report due Sunday 18/12/2022: really due Friday 16/09 and 16/12."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import build_app
from conversation.router import Router
from domain.clock import FixedClock
from services.dashboard_service import Filters
from tests import db_templates
from tests.conftest import SEED, make_settings
from tests.conversation_kit import registered
from tests.coordinator_kit import person, set_status
from tests.fakes.reminders import RecordingSender, add_person, fast_service

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = dt.datetime(2022, 12, 16, 9, tzinfo=TZ)
SATURDAY = dt.datetime(2022, 12, 17, 9, tzinfo=TZ)
ANNUAL = "Báo cáo năm"


@pytest.fixture
async def app(settings):
    application = await db_templates.seeded_app(settings, clock=FixedClock(FRIDAY))
    yield application
    await application.close()


@pytest.fixture
def router(app):
    return Router(app)


async def only_the_annual_report_left(app) -> int:
    """Task 7's share of the Văn phòng done through 18/09: only its annual report (Sun 18/12) is open."""
    head = await person(app, "van-phong", "head", "Nguyễn Văn A")
    lead = await set_status(app, head, 7, "done", dt.datetime(2022, 9, 20, 9, tzinfo=TZ))
    [share] = await app.queries.leads(unit_ids=["van-phong"], task=7)
    assert share.done_through == dt.date(2022, 9, 18) and share.status != "done"
    return lead


def task7_share(data):
    [task] = [t for t in data.tasks if t.number == 7]
    return next(s for a in task.assignments for s in a.shares if s.unit_id == "van-phong")


async def all_pages(chat, text: str) -> str:
    """A list and every page after it («Sau ▶»)."""
    replies = await chat.say(text)
    pages = [replies[0].text]
    while nxt := [b for row in replies[0].buttons for b in row if b.text.startswith("Sau")]:
        replies = await chat.press(nxt[0].data)
        pages.append(replies[0].text)
    return "\n".join(pages)


def deadline_in_detail(detail: str, label: str) -> str:
    """The deadline words of one milestone in a task detail («Báo cáo năm: hạn … (còn 3 ngày)»)."""
    found = re.search(rf"{label}: (hạn [^\n]+?)(?: \((?:còn|hạn hôm nay|trễ)| — )", detail)
    assert found, detail
    return found.group(1)


async def test_the_saturday_before_a_sunday_deadline_is_overdue_in_every_view(app, router):
    await only_the_annual_report_left(app)
    head = await registered(app, router, "od1", "van-phong")
    friday, saturday = FRIDAY.date(), SATURDAY.date()

    [share] = await app.queries.leads(unit_ids=["van-phong"], task=7)
    annual = next(m for m in share.milestones if m.label == ANNUAL)
    assert not share.is_overdue(friday, app.workdays)  # its working day: not late yet
    assert share.overdue(annual, saturday, app.workdays) and share.is_overdue(saturday, app.workdays)

    # «việc trễ hạn»: not on Friday, on Saturday
    assert "NV 7 " not in await all_pages(head, "văn phòng có việc gì trễ hạn")
    assert not task7_share(await app.exports.load(now=FRIDAY)).overdue
    app.clock.set(SATURDAY)
    late = await all_pages(head, "văn phòng có việc gì trễ hạn")
    assert "NV 7 " in late and "hạn 18/12 (CN) → nộp trước thứ Sáu 16/12 (trễ 1 ngày)" in late, late
    # the Excel export and the progress counts agree
    assert task7_share(await app.exports.load(now=SATURDAY)).overdue
    assert (await app.queries.progress(["van-phong"], saturday))["van-phong"]["overdue"] >= 1
    # the web view: late, by one day (from Friday 16/12, not from Sunday)
    overview = await app.dashboard.overview(saturday, Filters(status="late"))
    [row] = [r for r in overview.late if r.task_number == 7 and r.unit_id == "van-phong"]
    assert row.label == ANNUAL and row.late and row.days_late == 1


async def test_a_reminder_writes_a_day_off_deadline_as_the_task_detail_does(app, router):
    """Friday 16/09/2022 is the last working day for task 7's Quý III report (Sunday 18/09)."""
    app.clock.set(dt.datetime(2022, 9, 16, 9, tzinfo=TZ))
    await add_person(app, "van-phong", "head", chat="vp-head")
    head = await registered(app, router, "od2", "van-phong")
    detail = await head.text("nv 7")
    words = deadline_in_detail(detail, "Báo cáo Quý III")
    assert "(CN)" in words and "16/09" in words  # the day-off form, naming its working day

    sender = RecordingSender(app.clock)
    await fast_service(app).tick({"telegram": sender})
    [text] = [s.reply.text for s in sender.sent if s.chat_id == "vp-head"]
    [line] = [x for x in text.splitlines() if "NV 7 ·" in x and "Báo cáo Quý III" in x]
    assert f"Báo cáo Quý III: {words} — **hạn hôm nay**" in line, (line, words)
    assert "ngày nghỉ" not in line and "/2022" not in line


async def test_the_monday_digest_counts_lateness_from_the_working_day(app, router):
    """Monday 19/09/2022: the Quý III report (Sunday 18/09, really Friday 16/09, reminded then) is one
    working day late in the weekly digest, written as the task detail writes it."""
    await add_person(app, "van-phong", "head", chat="vp-head")
    service = fast_service(app)
    sender = RecordingSender(app.clock)
    app.clock.set(dt.datetime(2022, 9, 16, 9, tzinfo=TZ))
    await service.tick({"telegram": sender})  # Friday's reminder of it went out
    app.clock.set(dt.datetime(2022, 9, 19, 9, tzinfo=TZ))
    head = await registered(app, router, "od3", "van-phong")
    words = deadline_in_detail(await head.text("nv 7"), "Báo cáo Quý III")
    assert "(CN)" in words

    await service.tick({"telegram": sender})
    [text] = [s.reply.text for s in sender.sent if s.chat_id == "vp-head" and s.at.date() == dt.date(2022, 9, 19)]
    assert "Tổng hợp tuần" in text
    late = text.split("**Quá hạn")[1]
    [line] = [x for x in late.splitlines() if "NV 7 ·" in x and "Báo cáo Quý III" in x]
    assert f"Báo cáo Quý III: {words}, quá 1 ngày làm việc" in line, (line, words)


async def test_a_day_off_before_the_weeks_first_working_day_is_overdue_in_the_digest(tmp_path):
    """Monday 12/09 – Thursday 15/09/2022 declared days off: task 5's Quý III report (Thursday 15/09) was
    really due Friday 09/09, so Friday 16/09's digest lists it as overdue, not as «due this week»."""
    overrides = tmp_path / "calendar_overrides.yaml"
    overrides.write_text("days_off:\n" + "".join(f'  - {{date: "2022-09-{d}", note: "nghỉ"}}\n' for d in (12, 13, 14, 15)),
                         encoding="utf-8")
    app = await build_app(make_settings(tmp_path, calendar_overrides_file=overrides),
                          clock=FixedClock(dt.datetime(2022, 9, 9, 9, tzinfo=TZ)))
    try:
        await app.plans.import_plan(SEED)
        assert app.workdays.next_working_day(dt.date(2022, 9, 12)) == dt.date(2022, 9, 16)
        await add_person(app, "van-phong", "head", chat="vp-head")
        service = fast_service(app)
        sender = RecordingSender(app.clock)
        await service.tick({"telegram": sender})  # Friday 09/09: its last working day, reminded then
        app.clock.set(dt.datetime(2022, 9, 16, 9, tzinfo=TZ))
        await service.tick({"telegram": sender})
        [text] = [s.reply.text for s in sender.sent if s.at.date() == dt.date(2022, 9, 16)]
        assert "Tổng hợp tuần 12/09–18/09/2022" in text
        this_week, late = text.split("**Quá hạn")
        assert "NV 5 ·" not in this_week
        [line] = [x for x in late.splitlines() if "NV 5 ·" in x and "Báo cáo Quý III" in x]
        assert "Báo cáo Quý III: hạn 15/09 (T5) → nộp trước thứ Sáu 09/09, quá 1 ngày làm việc" in line
    finally:
        await app.close()
