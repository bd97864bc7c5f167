"""Unknown never blocks: a deadline phrase the grammar does not know imports as a milestone that needs a
date (no reminder, «cần xác định thời hạn» in the task card), is listed at the end of the import and in
the coordinators' chat, and a coordinator sets it by chat («nv 3 hạn 30/06»); a re-import of the same
document keeps that date."""

from __future__ import annotations

import datetime as dt

import pytest

from conversation.router import Router
from presentation.deadlines import import_summary
from tests.cli_kit import cli
from tests.conversation_kit import registered
from tests.fixtures_plans import edit_seed, line_index

TASK3 = "3\tKế hoạch kiểm tra CCHC năm 2022"


def _unknown_deadline(lines: list[str]) -> list[str]:
    i = line_index(lines, TASK3)
    lines[i] = lines[i].replace("\tQuý III", "\tKhi nào có kinh phí thì làm", 1)
    return lines


@pytest.fixture
def app(plan_app):
    return plan_app


@pytest.fixture
def router(app):
    return Router(app)


def _task3(dump: dict) -> dict:
    return next(t for t in dump["tasks"] if t["number"] == 3)


async def test_unknown_phrase_imports_and_a_coordinator_dates_it_by_chat(app, router, tmp_path):
    path = edit_seed(tmp_path, "ke-hoach-2022-moi.txt", _unknown_deadline)
    result = await app.plans.import_plan(path)
    assert (result.tasks, result.needs_date) == (59, [(3, "Khi nào có kinh phí thì làm")])
    assert import_summary(result.needs_date).startswith(
        "1 mốc cần xác định thời hạn: nhiệm vụ 3 «Khi nào có kinh phí thì làm»"
    )
    (milestone,) = _task3(await app.plans.dump())["assignments"][0]["milestones"]
    assert (milestone["kind"], milestone["due"]) == ("needs_date", None)

    head = await registered(app, router, "h1", "van-phong", role="head")
    coordinator = await registered(app, router, "c1", "van-phong", role="coordinator")
    assert "cần xác định thời hạn" in await head.text("nhiệm vụ 3")
    routine = await head.text("/thuongxuyen")
    assert "❓ Cần xác định thời hạn" in routine
    listing = await coordinator.text("mốc cần xác định thời hạn")
    assert "1 mốc cần xác định thời hạn" in listing and "NV 3" in listing

    refused = await head.text("nv 3 hạn 30/06")
    assert "Chỉ Văn phòng Sở (điều phối)" in refused
    assert _task3(await app.plans.dump())["assignments"][0]["milestones"][0]["due"] is None

    answer = await coordinator.text("nv 3 hạn 30/06")
    assert answer.startswith("Đã đặt hạn 30/06/2022 cho nhiệm vụ 3")
    (dated,) = _task3(await app.plans.dump())["assignments"][0]["milestones"]
    assert (dated["kind"], dated["due"], dated["text"]) == ("date", "2022-06-30", "Khi nào có kinh phí thì làm")
    assert "30/06" in await head.text("nhiệm vụ 3")
    assert "Mọi mốc của kế hoạch đều đã có thời hạn" in await coordinator.text("/canhan")
    assert "không có mốc nào cần xác định thời hạn" in await coordinator.text("nv 4 hạn 30/06")

    again = await app.plans.import_plan(path)  # the same document again: the date set by chat stays
    assert not again.created
    (kept,) = _task3(await app.plans.dump())["assignments"][0]["milestones"]
    assert (kept["kind"], kept["due"]) == ("date", "2022-06-30")


async def test_re_import_with_a_written_deadline_replaces_the_missing_one(app, tmp_path):
    await app.plans.import_plan(edit_seed(tmp_path, "a.txt", _unknown_deadline))
    fixed = edit_seed(tmp_path, "b.txt", lambda lines: _written(lines, "\tTrước tháng 10"))
    result = await app.plans.import_plan(fixed)
    assert result.needs_date == []
    (milestone,) = _task3(await app.plans.dump())["assignments"][0]["milestones"]
    assert (milestone["kind"], milestone["due"]) == ("date", dt.date(2022, 9, 30).isoformat())


def _written(lines: list[str], deadline: str) -> list[str]:
    i = line_index(lines, TASK3)
    lines[i] = lines[i].replace("\tQuý III", deadline, 1)
    return lines


def test_plan_import_prints_the_milestones_that_need_a_date(tmp_path):
    path = edit_seed(tmp_path, "ke-hoach.txt", _unknown_deadline)
    out = cli(tmp_path, "plan", "import", str(path))
    assert out.returncode == 0, out.stderr
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("1 mốc cần xác định thời hạn: nhiệm vụ 3 «Khi nào có kinh phí thì làm»")
    assert "nv 3 hạn 30/06" in last
