"""A scripted quarter (Q3 2022) of status updates through the real write path, then one day asked: the
chat's «tiến độ» and «việc trễ hạn», the Excel workbook, the web overview page and `cchc-bot status`
state the same counts — and the projection says what the plan means (task 2's first «xong» completes
one milestone of two, a completion after the deadline is «done late», task 1's «Tháng 12/2021» is not
overdue, an update after the day asked is not seen)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re

import pytest
from openpyxl import load_workbook

from conversation.router import Router
from domain.clock import FixedClock
from tests import db_templates
from tests.cli_kit import cli
from tests.conftest import make_settings
from tests.conversation_kit import TZ, registered
from tests.coordinator_kit import person, set_status
from tests.web_kit import sign_in, web_client

DAY = dt.date(2022, 9, 30)


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2022, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture
async def quarter(tmp_path):
    clock = FixedClock(at(7, 1))
    settings = make_settings(tmp_path)
    app = await db_templates.seeded_app(settings, clock=clock)
    vp = await person(app, "van-phong", "head", "Nguyễn Văn A")
    tt = await person(app, "thanh-tra", "head", "Lê Thị C")
    script = [
        (vp, 2, "done", at(7, 5), None),  # «Ban hành Kế hoạch» (Quý I) only: late, the share goes on
        (vp, 5, "done", at(7, 5), None),  # the Q1 and 6-month reports; Q3's (15/9) is then missed
        (vp, 49, "not_started", at(7, 10), None),  # the unit itself says «chưa thực hiện»
        (vp, 36, "done", at(7, 15), None),  # due 31/03: done late
        (tt, 4, "done", at(7, 20), None),
        (vp, 17, "in_progress", at(8, 1), 60),
        (vp, 7, "blocked", at(8, 2), None),
        (vp, 3, "done", at(9, 29), None),  # due 30/09: on time
        (vp, 8, "done", at(10, 3), None),  # after the day asked: not seen
    ]
    for user, task, status, when, percent in script:
        clock.set(when)
        await set_status(app, user, task, status, when, percent=percent)
    clock.set(dt.datetime.combine(DAY, dt.time(17, 0), tzinfo=TZ))
    yield app, settings, tmp_path
    await app.close()


def summary_numbers(text: str, title: str) -> dict[str, int]:
    line = re.search(rf"\*\*{title}\*\*\n(✅ (\d+)/(\d+) phần việc xong[^\n]*)", text)
    assert line, text
    found = {"done": int(line.group(2)), "shares": int(line.group(3))}
    for key, word in (("in_progress", "đang làm"), ("blocked", "vướng"), ("overdue", "phần việc trễ hạn")):
        hit = re.search(rf"(\d+) {word}", line.group(1))
        found[key] = int(hit.group(1)) if hit else 0
    return found


async def test_a_quarter_of_updates_gives_the_same_counts_everywhere(quarter):
    app, settings, tmp_path = quarter
    projection = await app.projections.at(DAY)
    counts = projection.counts()
    shares = {(s.task, s.unit_id): s for s in projection.shares}

    # what the plan means
    t2 = shares[(2, "van-phong")]
    assert (t2.status, t2.percent, t2.done_on) == ("in_progress", 50, None)
    assert (t2.milestones[0].done_on, t2.milestones[0].done_late) == (dt.date(2022, 7, 5), True)
    assert (shares[(36, "van-phong")].status, shares[(36, "van-phong")].done_late) == ("done", True)
    assert shares[(3, "van-phong")].done_late is False and shares[(4, "thanh-tra")].done_late is False
    assert not shares[(1, "van-phong")].overdue and not shares[(1, "van-phong")].updated
    assert shares[(8, "van-phong")].status == "not_started"  # its «xong» came on 3/10
    assert shares[(5, "van-phong")].overdue and shares[(7, "van-phong")].overdue
    assert (counts.done, counts.done_on_time, counts.done_late, counts.in_progress, counts.blocked) == (3, 2, 1, 3, 1)
    assert counts.not_updated == counts.not_started - 1  # task 49: the one the unit said itself

    # cchc-bot status --at 2022-09-30 --json (another process's view of the same database)
    result = await asyncio.to_thread(cli, tmp_path, "--db", settings.database_url, "status", "--at", DAY.isoformat(),
                                     "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["counts"] == counts.as_contract() and document["plan_year"] == 2022
    task2 = next(s for s in document["shares"] if s["task"] == 2 and s["unit"] == "van-phong")
    assert task2["status"] == "in_progress" and task2["milestones"][0]["done_late"] is True
    assert task2["milestones"][1]["effective_due"] == "2022-12-30"  # 31/12/2022 is a Saturday

    # the chat
    router = Router(app)
    coordinator = await registered(app, router, "coord-q3", "van-phong", "coordinator")
    text = "\n".join(r.text or "" for r in await coordinator.say("tiến độ toàn Sở"))
    assert summary_numbers(text, "Tiến độ toàn Sở") == {
        "done": counts.done, "shares": counts.shares, "in_progress": counts.in_progress, "blocked": counts.blocked,
        "overdue": counts.overdue,
    }
    head = await registered(app, router, "head-vp-q3", "van-phong", "head")
    late = await head.text("việc trễ hạn")
    own = projection.milestone_counts("van-phong")
    assert f"{own.overdue} mốc trễ hạn" in late, late
    card = await head.text("nhiệm vụ 1")
    assert "Chưa cập nhật" in card and "Chưa thực hiện" not in card
    assert "Chưa thực hiện" in await head.text("nhiệm vụ 49")

    # the Excel workbook: the department's row of «Tổng hợp»
    path = tmp_path / "q3.xlsx"
    await app.exports.export(path, now=app.clock.now(), period="Q3")
    wb = load_workbook(path)
    row = next(v for v in wb["Tổng hợp"].iter_rows(values_only=True) if v[1] == "Toàn Sở")
    total, done, _verified, in_progress, blocked, said, not_updated, overdue, done_late = row[2:11]
    assert (total, done, in_progress, blocked, said + not_updated, overdue, done_late) == (
        counts.shares, counts.done, counts.in_progress, counts.blocked, counts.not_started, counts.overdue,
        counts.done_late,
    )
    done_in_q3 = [v for v in wb["Hoàn thành Quý III"].iter_rows(min_row=4, values_only=True) if v[1] is not None]
    assert {(v[1], v[4]) for v in done_in_q3} == {(36, "Văn phòng Sở"), (4, "Thanh tra Sở"), (3, "Văn phòng Sở")}

    # the web overview: the card counts shares, the late list milestones, each saying which
    async with web_client(app) as client:
        await sign_in(client, app, "van-phong", "coordinator")
        html = (await client.get("/?period=Q3")).text
    kpi = re.search(r"<b[^>]*>(\d+)</b>phần việc trễ hạn", html)
    assert kpi and int(kpi.group(1)) == counts.overdue
    heading = re.search(r"Mốc trễ hạn \((\d+) mốc của (\d+) phần việc\)", html)
    assert heading and (int(heading.group(1)), int(heading.group(2))) == (
        projection.milestone_counts().overdue, counts.overdue)
    assert re.search(r"<b>(\d+)</b>phần việc</div>", html).group(1) == str(counts.shares)


async def test_status_refuses_an_unknown_unit_a_bad_date_and_a_missing_plan(tmp_path, quarter):
    _app, settings, data = quarter
    unknown = await asyncio.to_thread(cli, data, "--db", settings.database_url, "status", "--at", "2022-09-30",
                                      "--unit", "khong-co", "--json")
    assert unknown.returncode != 0 and "khong-co" in unknown.stderr and "Traceback" not in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1
    bad = await asyncio.to_thread(cli, data, "--db", settings.database_url, "status", "--at", "30/09/2022", "--json")
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    one = await asyncio.to_thread(cli, data, "--db", settings.database_url, "status", "--at", "2022-09-30",
                                  "--unit", "thanh-tra", "--json")
    document = json.loads(one.stdout)
    assert {s["unit"] for s in document["shares"]} == {"thanh-tra"}
    assert document["counts"]["shares"] == len(document["shares"]) and document["counts"]["done"] == 1
    empty = tmp_path / "empty"
    nothing = await asyncio.to_thread(cli, empty, "--db", f"sqlite:///{empty / 'none.db'}", "status", "--at",
                                      "2022-09-30", "--json")
    assert nothing.returncode != 0 and "kế hoạch" in nothing.stderr and len(nothing.stderr.strip().splitlines()) == 1


async def _midnight(settings) -> None:
    """SQLite keeps local wall times, PostgreSQL aware ones: either way an update at 23:30 on 30/9 (local)
    belongs to 30/9, and one at 00:30 on 1/10 does not."""
    clock = FixedClock(at(9, 30, 23))
    app = await db_templates.seeded_app(settings, clock=clock)
    try:
        vp = await person(app, "van-phong", "head", "Nguyễn Văn A")
        await set_status(app, vp, 3, "done", at(9, 30, 23).replace(minute=30))
        await set_status(app, vp, 8, "done", at(10, 1, 0).replace(minute=30))
        day = {(s.task, s.unit_id): s for s in (await app.projections.at(DAY)).shares}
        before = {(s.task, s.unit_id): s for s in (await app.projections.at(DAY - dt.timedelta(days=1))).shares}
        assert (day[(3, "van-phong")].status, day[(3, "van-phong")].done_on) == ("done", DAY)
        assert day[(8, "van-phong")].status == "not_started" and before[(3, "van-phong")].status == "not_started"
    finally:
        await app.close()


async def test_the_day_asked_ends_at_midnight_in_ho_chi_minh_city(tmp_path):
    await _midnight(make_settings(tmp_path))


async def test_the_day_asked_ends_at_midnight_on_postgresql(tmp_path, postgres_url):
    await _midnight(make_settings(tmp_path, database_url=postgres_url))


async def test_replaying_the_history_gives_what_the_status_service_wrote(quarter):
    """The projection replays with the rule the status service writes with (`apply_update`): with every
    update seen, each share's status, percent and milestone progress equal the values written."""
    app, _settings, _tmp = quarter
    plan_id = (await app.plans.current_version())[0]
    async with app.projections.uow() as uow:
        written = {row[0]: (row[2], row[3], row[5]) for row in await uow.statuses.lead_rows(plan_id)}
    replayed = (await app.projections.snapshot(None)).states()
    assert {lead: (s.status.value, s.percent, s.done_through) for lead, s in replayed.items()} == written
    assert sum(1 for status, _, _ in written.values() if status != "not_started") == 8
