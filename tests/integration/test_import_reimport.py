"""Importing the same plan again updates it in place: ids, statuses, history, evidence and recorded
trigger dates survive (docs/contracts.md §1 `plan import`)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.bootstrap import build_app
from storage.models import Assignment, AssignmentLead, Evidence, Milestone, StatusUpdate, Task
from tests.conftest import SEED, make_settings
from tests.fixtures_plans import edit_seed, line_index

D = dt.date.fromisoformat


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")  # skips when no test server is configured
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
async def db_app(database_url, tmp_path):
    """The app on SQLite and on PostgreSQL: the update-in-place is batched SQL, so both dialects run it."""
    application = await build_app(make_settings(tmp_path, database_url=database_url))
    yield application
    await application.close()


async def _snapshot(app) -> dict:
    """Every stored row id of the plan by its natural key, plus the fields a re-import must keep."""
    async with app.sessions() as session:
        tasks = (
            await session.scalars(
                select(Task).options(
                    selectinload(Task.assignments).selectinload(Assignment.milestones),
                    selectinload(Task.assignments).selectinload(Assignment.leads),
                )
            )
        ).all()
        ids: dict = {}
        for t in tasks:
            ids[("task", t.number)] = t.id
            for a in t.assignments:
                ids[("assignment", t.number, a.position)] = a.id
                for lead in a.leads:
                    ids[("lead", t.number, a.position, lead.unit_id)] = (lead.id, lead.status, lead.percent)
                for m in a.milestones:
                    ids[("milestone", t.number, a.position, m.position)] = (m.id, m.trigger_date, m.due)
        return ids


async def _record_progress(app) -> tuple[int, int, int]:
    """What users and a coordinator would have recorded: a status with its history and evidence on
    task 3 (Văn phòng Sở), and the trigger date of task 18's "05 ngày làm việc kể từ ..." milestone."""
    async with app.sessions() as session, session.begin():
        lead = await session.scalar(
            select(AssignmentLead)
            .join(Assignment)
            .join(Task)
            .where(Task.number == 3, AssignmentLead.unit_id == "van-phong")
        )
        lead.status, lead.percent, lead.status_at = "done", 100, dt.datetime(2022, 9, 20, 9, 0, tzinfo=dt.UTC)
        update = StatusUpdate(
            lead_id=lead.id, status="done", percent=100, channel="console", original_text="xong nv 3 rồi"
        )
        evidence = Evidence(
            lead_id=lead.id, channel="console", caption="Kế hoạch kiểm tra đã ký", file_name="kh-kiem-tra.pdf",
            sha256="0" * 64, size=1234, mime_type="application/pdf", path="evidence/kh-kiem-tra.pdf",
        )
        session.add_all([update, evidence])
        milestone = await session.scalar(
            select(Milestone).join(Assignment).join(Task).where(Task.number == 18, Milestone.position == 0)
        )
        assert milestone.kind == "relative" and milestone.due is None
        milestone.trigger_date = D("2022-01-28")  # the Friday before Tết
        milestone.due = app.plans.trigger_due(milestone)
        await session.flush()
        return lead.id, update.id, evidence.id


async def test_reimport_keeps_ids_status_history_evidence_and_triggers(db_app):
    app = db_app
    first = await app.plans.import_plan(SEED)
    assert first.created
    lead_id, update_id, evidence_id = await _record_progress(app)
    before = await _snapshot(app)
    dump_before = await app.plans.dump()
    # 5 working days after Fri 28/01/2022: Tết (31/01–04/02) and two weekends are skipped
    assert before[("milestone", 18, 0, 0)][1:] == (D("2022-01-28"), D("2022-02-11"))

    again = await app.plans.import_plan(SEED)

    assert not again.created
    after = await _snapshot(app)
    assert after == before  # same ids, same status/percent, same trigger date and computed due
    assert after[("lead", 3, 0, "van-phong")] == (lead_id, "done", 100)
    async with app.sessions() as session:
        update = await session.get(StatusUpdate, update_id)
        evidence = await session.get(Evidence, evidence_id)
        assert (update.lead_id, update.status, update.percent, update.original_text) == (
            lead_id, "done", 100, "xong nv 3 rồi"
        )
        assert (evidence.lead_id, evidence.file_name) == (lead_id, "kh-kiem-tra.pdf")
    assert await app.plans.dump() == dump_before
    milestone = next(t for t in dump_before["tasks"] if t["number"] == 18)["assignments"][0]["milestones"][0]
    assert (milestone["kind"], milestone["due"]) == ("relative", "2022-02-11")


async def test_reimport_of_an_edited_plan_updates_in_place(app, tmp_path):
    await app.plans.import_plan(SEED)
    lead_id, _, evidence_id = await _record_progress(app)
    before = await _snapshot(app)

    def edit(lines: list[str]) -> list[str]:
        i = line_index(lines, "3\tKế hoạch kiểm tra CCHC năm 2022")
        lines[i] = lines[i].replace("Kế hoạch kiểm tra CCHC năm 2022\t", "Kế hoạch kiểm tra CCHC năm 2022 (sửa)\t", 1)
        lines[i] = lines[i].replace("\tQuý III", "\tQuý IV")
        return lines

    result = await app.plans.import_plan(edit_seed(tmp_path, "edited.txt", edit))
    assert not result.created
    after = await _snapshot(app)
    assert {k: v for k, v in after.items() if k[0] != "milestone"} == {
        k: v for k, v in before.items() if k[0] != "milestone"
    }
    assert after[("milestone", 3, 0, 0)][0] == before[("milestone", 3, 0, 0)][0]
    assert after[("milestone", 3, 0, 0)][2] == D("2022-12-31")
    task3 = next(t for t in (await app.plans.dump())["tasks"] if t["number"] == 3)
    assert task3["title"] == "Kế hoạch kiểm tra CCHC năm 2022 (sửa)"
    assert after[("lead", 3, 0, "van-phong")] == (lead_id, "done", 100)
    async with app.sessions() as session:
        assert await session.get(Evidence, evidence_id) is not None


async def test_trigger_due_counts_working_or_calendar_days(app):
    await app.plans.import_plan(SEED)
    async with app.sessions() as session:
        relative = {
            t: await session.scalar(
                select(Milestone).join(Assignment).join(Task).where(Task.number == t, Milestone.position == 0)
            )
            for t in (18, 19, 20, 26)
        }
    for milestone in relative.values():
        milestone.trigger_date = D("2025-12-31")
    assert app.plans.trigger_due(relative[18]) == D("2026-01-09")  # 5 working days, shipped overrides
    assert app.plans.trigger_due(relative[20]) == D("2026-01-07")  # 3 working days
    assert app.plans.trigger_due(relative[26]) == D("2026-01-15")  # 15 calendar days
    assert app.plans.trigger_due(relative[19]) == D("2025-12-31")  # after_event: the event's date


async def test_reimport_of_a_shrunk_plan_equals_a_fresh_import(db_app, tmp_path):
    """Rows removed from the document are removed from the database, the rest keeps its ids, and the
    result is exactly what importing the edited document into an empty database gives."""
    app = db_app
    await app.plans.import_plan(SEED)
    lead_id, _, _ = await _record_progress(app)
    before = await _snapshot(app)

    def shrink(lines: list[str]) -> list[str]:
        del lines[line_index(lines, "59\t")]  # the last task
        lines[line_index(lines, "TỔNG SỐ")] = "TỔNG SỐ: 58 NHIỆM VỤ"
        del lines[line_index(lines, "\t\tKế hoạch CCHC năm 2022 của Trung tâm")]  # task 1's second row
        i = line_index(lines, "11\t")  # task 11 led by "Văn phòng" alone: Lãnh đạo Sở's share goes
        lines[i] = lines[i].replace('- Lãnh đạo Sở - Văn phòng', "- Văn phòng", 1)
        i = line_index(lines, "2\t")  # task 2: one phase instead of two
        lines[i] = lines[i].replace("- Ban hành Kế hoạch: Quý I - Thực hiện: Cả năm", "Quý I", 1)
        return lines

    edited = edit_seed(tmp_path, "shrunk.txt", shrink)
    await app.plans.import_plan(edited)
    after = await _snapshot(app)
    removed = {k for k in before if k not in after}
    assert removed == {
        ("task", 59), ("assignment", 59, 0), ("lead", 59, 0, "van-phong"), ("milestone", 59, 0, 0),
        ("milestone", 59, 0, 1), ("assignment", 1, 1), ("lead", 1, 1, "ttkc"), ("milestone", 1, 1, 0),
        ("milestone", 1, 1, 1), ("lead", 11, 0, "lanh-dao-so"), ("milestone", 2, 0, 1),
    }
    assert not {k for k in after if k not in before}
    assert all(after[k][0] == before[k][0] if isinstance(before[k], tuple) else after[k] == before[k] for k in after)
    assert after[("lead", 3, 0, "van-phong")] == (lead_id, "done", 100)

    fresh = await build_app(make_settings(tmp_path / "fresh"))
    try:
        await fresh.plans.import_plan(edited)
        expected = await fresh.plans.dump()
    finally:
        await fresh.close()
    got = await app.plans.dump()
    task18 = next(t for t in got["tasks"] if t["number"] == 18)["assignments"][0]["milestones"][0]
    assert task18["due"] == "2022-02-11"  # the recorded trigger is the one difference
    task18["due"] = None
    assert got == expected
