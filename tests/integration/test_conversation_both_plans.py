"""No year and no task number of the 2022 plan in the conversation: the same conversations run on the 2022
plan and on a renumbered 2023 plan (a new task 1, every other task one down, every year one later). Task
numbers are looked up by title in the stored plan, dates follow the plan's year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import build_app
from conversation.router import Router
from domain.clock import FixedClock
from tests.conftest import SEED, make_settings
from tests.conversation_kit import registered

RENUMBERED = Path(__file__).resolve().parents[1] / "data" / "ke-hoach-cchc-2023-renumbered.txt"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROPAGANDA = "Ban hành và triển khai thực hiện Kế hoạch tuyên truyền"  # Văn phòng's own task, in both plans


@pytest.fixture(params=[(SEED, 2022), (RENUMBERED, 2023)], ids=["2022", "renumbered-2023"])
async def plan(request, tmp_path):
    path, year = request.param
    app = await build_app(make_settings(tmp_path), clock=FixedClock(dt.datetime(year, 8, 15, 9, 0, tzinfo=TZ)))
    await app.plans.import_plan(path)
    try:
        yield app, year
    finally:
        await app.close()


async def number_of(app, words: str) -> int:
    dump = await app.plans.dump()
    [number] = [t["number"] for t in dump["tasks"] if t["title"].startswith(words)]
    return number


async def test_a_task_card_by_number_and_by_description(plan):
    app, _year = plan
    chat = await registered(app, Router(app), "vp-head", "van-phong")
    n = await number_of(app, PROPAGANDA)
    card = await chat.text(f"nv {n} là gì")
    assert PROPAGANDA in card and str(n) in card.splitlines()[0], card
    assert "Kế hoạch năm" not in card.splitlines()[0]  # the current plan: no year note


async def test_progress_updates_and_their_projection(plan):
    app, year = plan
    chat = await registered(app, Router(app), "vp-head", "van-phong")
    n = await number_of(app, PROPAGANDA)
    assert "Đã ghi nhận" in await chat.text(f"nv {n} đang làm 60%")
    assert "Đã ghi nhận" in await chat.text(f"xong nhiệm vụ {n}")
    projection = await app.projections.at(dt.date(year, 8, 15), fresh=True)
    assert projection.plan_year == year
    [share] = [s for s in projection.shares if s.task == n and s.unit_id == "van-phong"]
    # «xong» completes the first milestone of a task with later ones (milestone-by-milestone completion)
    assert share.status.value in ("done", "in_progress") and share.milestones[0].done_on == dt.date(year, 8, 15)
    other = [s for s in projection.shares if s.task == n + 1 and s.unit_id == "van-phong"]
    assert all(s.status.value == "not_started" for s in other)


async def test_lists_progress_and_report_dates_speak_of_the_plans_year(plan):
    app, _year = plan
    chat = await registered(app, Router(app), "vp-coord", "van-phong", role="coordinator")
    listing = await chat.text("văn phòng còn việc gì chưa xong")
    assert "văn phòng" in listing.lower() or "Văn phòng" in listing, listing
    progress = await chat.text("tiến độ chung của Sở")
    assert "phần việc" in progress or "%" in progress, progress
    schedule = await chat.text("khi nào nộp báo cáo CCHC quý 3")
    assert "Quý III: hạn 15/09 — còn 31 ngày" in schedule, schedule  # 15/08 → 15/09 of the plan's year
