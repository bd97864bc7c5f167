"""Plans by year: each year's statuses are kept apart, the chat answers the year a message names
(«năm 2022 …», «năm ngoái …») and says so, last year's plan takes late updates until its closing date
(31/01 of the next year unless `plan close` sets another) and refuses them afterwards, and `status --at`
follows the date's year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import build_app
from conversation.router import Router
from domain.clock import FixedClock
from tests.cli_kit import cli
from tests.conftest import SEED, make_settings
from tests.conversation_kit import registered

RENUMBERED = Path(__file__).resolve().parents[1] / "data" / "ke-hoach-cchc-2023-renumbered.txt"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Task 2 of 2022 («Ban hành và triển khai thực hiện Kế hoạch tuyên truyền», Văn phòng alone) is task 3 of 2023.
OLD, NEW = 2, 3


@pytest.fixture
async def two_years(tmp_path):
    clock = FixedClock(dt.datetime(2023, 1, 10, 9, 0, tzinfo=TZ))
    app = await build_app(make_settings(tmp_path), clock=clock)
    await app.plans.import_plan(SEED)
    await app.plans.import_plan(RENUMBERED)
    try:
        yield app, clock
    finally:
        await app.close()


async def share(app, year: int, task: int, day: dt.date) -> str:
    projection = await app.projections.at(day, year=year, fresh=True)
    [state] = [s for s in projection.shares if s.task == task and s.unit_id == "van-phong"]
    return state.status.value


async def test_a_late_update_before_the_closing_date_goes_to_last_years_plan(two_years):
    app, _clock = two_years
    chat = await registered(app, Router(app), "vp-head", "van-phong")
    answer = await chat.text(f"nv {OLD} năm 2022 xong")
    assert "Kế hoạch năm 2022" in answer and "Đã ghi nhận" in answer, answer
    day = dt.date(2023, 1, 10)
    assert await share(app, 2022, OLD, day) == "done"
    assert await share(app, 2023, NEW, day) == "not_started"  # this year's same task untouched
    assert await share(app, 2023, OLD, day) == "not_started"


async def test_after_the_closing_date_last_years_plan_only_reads(two_years):
    app, clock = two_years
    clock.set(dt.datetime(2023, 2, 1, 9, 0, tzinfo=TZ))
    chat = await registered(app, Router(app), "vp-head", "van-phong")
    answer = await chat.text(f"nv {OLD} năm ngoái xong")
    assert "đã khóa" in answer and "31/01/2023" in answer and "năm nay" in answer, answer
    assert await share(app, 2022, OLD, dt.date(2023, 2, 1)) == "not_started"  # nothing written

    await app.plans.close(2022, dt.date(2023, 2, 15))  # the Văn phòng gives two more weeks
    answer = await chat.text(f"nv {OLD} năm ngoái xong")
    assert "Đã ghi nhận" in answer, answer
    assert await share(app, 2022, OLD, dt.date(2023, 2, 1)) == "done"


async def test_a_button_on_last_years_card_writes_last_years_share(two_years):
    app, clock = two_years
    chat = await registered(app, Router(app), "vp-head", "van-phong")
    [card] = await chat.say(f"năm 2022 nv {OLD} là gì")
    assert card.text.startswith("🗓 Kế hoạch năm 2022"), card.text
    done = next(b for row in card.buttons for b in row if b.data.endswith(":done"))
    [reply] = await chat.press(done.data)
    assert "Kế hoạch năm 2022" in reply.text, reply.text
    assert await share(app, 2022, OLD, dt.date(2023, 1, 10)) == "done"

    clock.set(dt.datetime(2023, 3, 1, 9, 0, tzinfo=TZ))
    [refused] = await chat.press(done.data.replace(":done", ":in_progress"))
    assert "đã khóa" in refused.text, refused.text
    assert await share(app, 2022, OLD, dt.date(2023, 3, 1)) == "done"


async def test_the_chat_answers_the_year_a_message_names(two_years):
    app, _clock = two_years
    chat = await registered(app, Router(app), "vp-coord", "van-phong", role="coordinator")
    current = await chat.text("nv 1 là gì")
    assert "Tổng kết" in current and "Kế hoạch năm" not in current.splitlines()[0], current
    for asked in ("năm 2022 nv 1 là gì", "nv 1 năm ngoái là gì", "kế hoạch năm trước nhiệm vụ 1 là gì"):
        answer = await chat.text(asked)
        assert answer.startswith("🗓 Kế hoạch năm 2022"), (asked, answer)
        assert "Ban hành và triển khai thực hiện Kế hoạch" in answer, (asked, answer)
    assert "Chưa có kế hoạch năm 2021" in await chat.text("năm 2021 nv 1 là gì")
    assert (await chat.text("năm 2023 nv 1 là gì")).find("Kế hoạch năm 2023") == -1  # the current year: no note
    progress = await chat.text("tiến độ chung năm 2022")
    assert progress.startswith("🗓 Kế hoạch năm 2022"), progress


async def test_a_past_years_list_keeps_its_year_on_every_page(two_years):
    app, _clock = two_years
    chat = await registered(app, Router(app), "vp-coord", "van-phong", role="coordinator")
    [first] = await chat.say("năm 2022 việc nào chưa xong")
    assert first.text.startswith("🗓 Kế hoạch năm 2022") and "(trang 1/" in first.text, first.text
    pages, reply = [first], first
    while (turn := [b.data for row in reply.buttons for b in row if b.text.startswith("Sau")]):
        [reply] = await chat.press(turn[0])
        pages.append(reply)
    assert len(pages) > 1
    for page in pages:
        assert page.text.startswith("🗓 Kế hoạch năm 2022"), page.text
        assert "việc có hạn trong kỳ (trang" in page.text, page.text  # 2022's open milestones, not 2023's none
    [back] = await chat.press(next(b.data for row in pages[-1].buttons for b in row if b.text.startswith("◀")))
    assert back.text.startswith("🗓 Kế hoạch năm 2022") and f"(trang {len(pages) - 1}/" in back.text, back.text
    [forged] = await chat.press(pages[0].buttons[0][0].data.replace(":2022", ":2019"))
    assert "Chưa có kế hoạch năm 2019" in forged.text, forged.text


async def test_status_at_a_date_follows_the_dates_year(two_years):
    app, _clock = two_years
    chat = await registered(app, Router(app), "vp-head", "van-phong")
    await chat.text(f"nv {OLD} năm 2022 xong")
    december = await app.projections.status_json(dt.date(2022, 12, 31))
    assert december["plan_year"] == 2022
    late = await app.projections.status_json(dt.date(2023, 1, 10), year=2022)
    assert [s["status"] for s in late["shares"] if s["task"] == OLD and s["unit"] == "van-phong"] == ["done"]
    now = await app.projections.status_json(dt.date(2023, 1, 10))
    assert now["plan_year"] == 2023
    assert [s["status"] for s in now["shares"] if s["task"] == NEW and s["unit"] == "van-phong"] == ["not_started"]


def test_plan_close_and_plan_years_on_the_command_line(tmp_path):
    assert cli(tmp_path, "plan", "import", str(SEED)).returncode == 0
    assert cli(tmp_path, "plan", "import", str(RENUMBERED)).returncode == 0
    closed = cli(tmp_path, "plan", "close", "--year", "2022", "--on", "2023-02-15")
    assert closed.returncode == 0 and "15/02/2023" in closed.stdout, closed
    listed = cli(tmp_path, "plan", "years", "--json")
    assert '"closes_on": "2023-02-15"' in listed.stdout and '"closes_on": "2024-01-31"' in listed.stdout, listed
    back = cli(tmp_path, "plan", "close", "--year", "2022", "--default")
    assert back.returncode == 0 and "31/01/2023" in back.stdout, back
    missing = cli(tmp_path, "plan", "close", "--year", "2021", "--on", "2022-02-15")
    assert missing.returncode == 1 and "chưa có kế hoạch năm 2021" in missing.stderr, missing
    bad = cli(tmp_path, "plan", "close", "--year", "2022", "--on", "15/02/2023")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr, bad
    status = cli(tmp_path, "status", "--at", "2022-12-31", "--json")
    assert status.returncode == 0 and '"plan_year": 2022' in status.stdout, status
    other = cli(tmp_path, "status", "--at", "2023-01-05", "--year", "2022", "--json")
    assert other.returncode == 0 and '"plan_year": 2022' in other.stdout, other
    export = cli(tmp_path, "export", "xlsx", str(tmp_path / "y.xlsx"), "--year", "2021")
    assert export.returncode == 1 and "năm 2021" in export.stderr, export


async def test_the_web_overview_has_a_year_selector(two_years):
    from tests.web_kit import sign_in, web_client

    app, _clock = two_years
    chat = await registered(app, Router(app), "vp-head", "van-phong")
    await chat.text(f"nv {OLD} năm 2022 xong")
    async with web_client(app) as client:
        await sign_in(client, app, "lanh-dao-so", "leader")
        current = await client.get("/")
        past = await client.get("/?year=2022")
        unknown = await client.get("/?year=2019")
        workbook = await client.get("/xuat.xlsx?year=2022")
    assert current.status_code == past.status_code == unknown.status_code == 200
    assert "Kế hoạch CCHC năm 2023" in current.text and "năm đã qua" not in current.text
    assert '<select name="year">' in current.text and 'value="2022"' in current.text
    assert "Kế hoạch CCHC năm 2022" in past.text and "năm đã qua" in past.text and "&year=2022" in past.text
    assert "Kế hoạch CCHC năm 2023" in unknown.text  # a year without a plan shows the current one
    assert workbook.status_code == 200 and "-2022-" in workbook.headers["content-disposition"]


async def test_files_and_figures_for_a_closed_year_are_refused(two_years):
    from services.evidence_service import PDF, Received

    app, clock = two_years
    await registered(app, Router(app), "vp-head", "van-phong")
    head = await app.users.identify("test", "vp-head")
    [old] = await app.queries.leads(unit_ids=["van-phong"], task=OLD, year=2022)
    pdf = Received(b"%PDF-1.4 minutes", "ab" * 32, 16, PDF, "bien-ban.pdf", None)
    stored = await app.evidence.attach(user_id=head.id, lead_id=old.lead_id, received=pdf, channel="test",
                                       caption=None, now=clock.now())
    assert stored.kind == "stored"  # January: last year still takes late work

    clock.set(dt.datetime(2024, 3, 1, 9, 0, tzinfo=TZ))  # no 2024 plan: 2023 answers, closed since 31/01/2024
    later = Received(b"%PDF-1.4 more", "cd" * 32, 13, PDF, "them.pdf", None)
    refused = await app.evidence.attach(user_id=head.id, lead_id=old.lead_id, received=later, channel="test",
                                        caption=None, now=clock.now())
    assert (refused.kind, refused.year, refused.closed_on) == ("closed", 2022, dt.date(2023, 1, 31))
    _, targets = await app.targets.targets()
    figure = await app.targets.record(head, target_id=targets[0].id, period="Q1", value=90.0, channel="test",
                                      text="90%", key=None, now=clock.now())
    assert (figure.kind, figure.year, figure.closed_on) == ("closed", 2023, dt.date(2024, 1, 31))


async def test_reminders_switch_at_the_new_plan_with_a_first_message_per_head(tmp_path):
    from sqlalchemy import update

    from storage.models import Plan
    from tests.fakes.reminders import add_person, fast_service

    clock = FixedClock(dt.datetime(2023, 1, 5, 9, 0, tzinfo=TZ))
    app = await build_app(make_settings(tmp_path), clock=clock)
    try:
        await app.plans.import_plan(SEED)
        await app.plans.import_plan(RENUMBERED)
        async with app.sessions() as session, session.begin():  # imported on Thursday 05/01/2023
            await session.execute(update(Plan).where(Plan.year == 2023)
                                  .values(imported_at=dt.datetime(2023, 1, 5, 2, 0, tzinfo=dt.UTC)))
        await add_person(app, "van-phong", "head")
        await add_person(app, "qltm", "head")
        service = fast_service(app)
        messages = await service.simulate(dt.date(2023, 1, 5), dt.date(2023, 1, 13))
    finally:
        await app.close()
    first = [m for m in messages if m.kind == "new_year"]
    assert sorted((m.to_unit, m.at.date()) for m in first) == [
        ("qltm", dt.date(2023, 1, 6)), ("van-phong", dt.date(2023, 1, 6)),
    ]  # once per head, the first working day after the import
    office = next(m for m in first if m.to_unit == "van-phong")
    assert "Kế hoạch CCHC năm 2023 đã được nhập" in office.text and "NV 1" in office.text, office.text
    assert all(i["kind"] == "new_year" for m in first for i in m.items)
    # the old year's reminders ended with its summary: nothing of 2022's milestones after it
    assert not [i for m in messages for i in m.items if (i.get("due") or "").startswith("2022")
                and m.kind not in ("year_end", "new_year")]
