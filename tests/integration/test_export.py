"""The Excel export: the appendix's own layout with live statuses, evidence, the summary, the audit trail
and the period sheet — opened with openpyxl after a scripted set of updates on the real 2022 plan."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from bot.bootstrap import build_app
from bot.cli import main as cli_main
from domain.clock import FixedClock
from presentation.export_cells import APPENDIX_HEADERS
from tests.conftest import SEED
from tests.coordinator_kit import add_evidence, at, person, set_status

NOW = at(8, 15, 9)


@pytest.fixture
def app(plan_app):
    return plan_app


@pytest.fixture
async def scripted(app):
    """A realistic mid-year state: done and verified, done awaiting review, returned, blocked, a share of
    a collective task, a share reopened and finished again inside Q3."""
    vp = await person(app, "van-phong", "head", "Nguyễn Văn A")
    tt = await person(app, "thanh-tra", "head", "Lê Thị C")
    coord = await person(app, "van-phong", "coordinator", "Trần Thị B")
    review = app.review

    lead3 = await set_status(app, vp, 3, "done", at(8, 10, 14, 30))
    ev = await add_evidence(app, lead3, vp, "bien-ban.pdf", at(8, 10, 15))
    assert (await review.accept(coord, ev, now=at(8, 11, 8))).kind == "accepted"

    lead8 = await set_status(app, vp, 8, "done", at(8, 12))
    await add_evidence(app, lead8, vp, "bao-cao-kiem-tra.pdf", at(8, 12, 10))

    await set_status(app, vp, 17, "in_progress", at(8, 1), percent=60)
    await set_status(app, vp, 7, "blocked", at(8, 2), note="chờ hướng dẫn của Sở Nội vụ")

    # Task 2 has two dated phases: the first «xong» closes «Ban hành Kế hoạch» (Quý I), the second the
    # year-round «Thực hiện» (milestone-level completion).
    lead2 = await set_status(app, vp, 2, "done", at(5, 20))
    await set_status(app, vp, 2, "done", at(5, 20, 9))
    ok = await add_evidence(app, lead2, vp, "ke-hoach.pdf", at(5, 20, 10))
    bad = await add_evidence(app, lead2, vp, "anh.jpg", at(5, 20, 11), mime="image/jpeg")
    await review.accept(coord, ok, now=at(5, 21))
    assert (await review.return_(coord, bad, "Ảnh mờ, chụp lại", now=at(5, 21, 10))).kind == "returned"

    await set_status(app, tt, 4, "done", at(7, 20))

    await set_status(app, vp, 5, "done", at(5, 10))
    await set_status(app, vp, 5, "in_progress", at(6, 1), percent=80)
    await set_status(app, vp, 5, "done", at(8, 5))
    return {"vp": vp, "tt": tt, "coord": coord}


async def export(app, tmp_path, name="bao-cao.xlsx", **kwargs):
    path = tmp_path / name
    result = await app.exports.export(path, now=NOW, **kwargs)
    return result, load_workbook(path)


def appendix_rows(ws):
    """(kind, values) for each body row: ('section', row) or ('task', row) / ('more', row)."""
    rows = []
    for values in ws.iter_rows(min_row=4, values_only=True):
        first = values[0]
        if isinstance(first, str):
            rows.append(("section", values))
        elif isinstance(first, int):
            rows.append(("task", values))
        elif any(v is not None for v in values):
            rows.append(("more", values))
    return rows


def task_row(ws, number: int):
    for kind, values in appendix_rows(ws):
        if kind == "task" and values[0] == number:
            return dict(zip([h for h, _ in APPENDIX_HEADERS], values, strict=True))
    raise AssertionError(f"task {number} not in the sheet")


async def test_appendix_layout_and_59_tasks_in_section_order(app, scripted, tmp_path):
    result, wb = await export(app, tmp_path)
    assert wb.sheetnames == ["Phụ lục", "Tổng hợp", "Lịch sử"]
    ws = wb["Phụ lục"]
    assert [c.value for c in ws[3]] == [h for h, _ in APPENDIX_HEADERS]
    assert ws["A1"].value.startswith("PHỤ LỤC") and "2022" in ws["A1"].value
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["B"].width == 42 and ws.column_dimensions["I"].width == 34
    assert ws["B5"].alignment.wrap_text and ws["C3"].font.bold

    dump = await app.plans.dump(None)
    section_of = {t["number"]: t["section"] for t in dump["tasks"]}
    romans = {s["roman"]: s["number"] for s in dump["sections"]}
    rows = appendix_rows(ws)
    sections, numbers, current = [], [], None
    for kind, values in rows:
        if kind == "section":
            sections.append(values[0])
            current = romans[values[0]]
            assert values[1] == next(s["title"] for s in dump["sections"] if s["roman"] == values[0])
        elif kind == "task":
            numbers.append(values[0])
            assert section_of[values[0]] == current, values[0]
    assert sections == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert numbers == list(range(1, 60))
    # one row per row of the source table: 61 assignments, task 1 and task 5 have two
    assert sum(1 for kind, _ in rows if kind in ("task", "more")) == 61 == result.rows - 7
    first = next(i for i, (k, v) in enumerate(rows) if k == "task" and v[0] == 1)
    assert rows[first + 1][0] == "more" and "Trung tâm" in rows[first + 1][1][3]
    assert any(str(r).startswith("A5:A6") for r in ws.merged_cells.ranges)
    task1 = task_row(ws, 1)
    assert task1["Thời gian hoàn thành"] == "- Ban hành Kế hoạch: Tháng 12/2021 - Thực hiện: Cả năm"
    assert task1["Đơn vị phối hợp"] == "Các phòng, đơn vị thuộc Sở"
    assert task_row(ws, 4)["Đơn vị chủ trì"] == "Các phòng, đơn vị thuộc Sở, đơn vị trực thuộc"


async def test_status_update_and_evidence_columns(app, scripted, tmp_path):
    _, wb = await export(app, tmp_path)
    ws = wb["Phụ lục"]
    t3 = task_row(ws, 3)
    assert t3["Tình trạng"] == "Hoàn thành — đã xác nhận"
    assert t3["Cập nhật lần cuối"] == "Nguyễn Văn A, 10/08/2022 14:30"
    assert t3["Minh chứng"] == "1 tệp\n• bien-ban.pdf — đã xác nhận"

    t8 = task_row(ws, 8)
    assert t8["Tình trạng"] == "Hoàn thành — minh chứng chờ xác nhận"
    assert t8["Minh chứng"] == "1 tệp\n• bao-cao-kiem-tra.pdf — chờ duyệt"

    t2 = task_row(ws, 2)
    assert t2["Tình trạng"] == "Hoàn thành — đã xác nhận"  # the returned photo does not block
    assert t2["Minh chứng"] == "2 tệp\n• ke-hoach.pdf — đã xác nhận\n• anh.jpg — bị trả lại"
    assert "Trả lại «anh.jpg»: Ảnh mờ, chụp lại" in t2["Ghi chú"]

    assert task_row(ws, 17)["Tình trạng"] == "Đang thực hiện 60%"
    t7 = task_row(ws, 7)
    assert t7["Tình trạng"].startswith("Vướng mắc") and t7["Ghi chú"] == "chờ hướng dẫn của Sở Nội vụ"

    t4 = task_row(ws, 4)  # one line per lead unit of a collective task
    lines = t4["Tình trạng"].split("\n")
    assert len(lines) == 7
    assert "Thanh tra Sở: Hoàn thành — chưa có minh chứng được xác nhận" in lines
    assert "Văn phòng Sở: Chưa cập nhật" in lines  # nobody reported: not «chưa thực hiện»
    assert t4["Cập nhật lần cuối"] == "Thanh tra Sở: Lê Thị C, 20/07/2022 09:00"

    t1 = task_row(ws, 1)
    # «Tháng 12/2021» is what issuing the 2022 plan fulfils (issue 11): never counted late
    assert t1["Tình trạng"] == "Chưa cập nhật"
    assert "Chưa cập nhật — phần việc trễ hạn" in task_row(ws, 36)["Tình trạng"]  # «31/03/2022» is really late
    assert t1["Cập nhật lần cuối"] is None and t1["Minh chứng"] is None


async def test_summary_counts_match_the_progress_query(app, scripted, tmp_path):
    _, wb = await export(app, tmp_path)
    ws = wb["Tổng hợp"]
    header = [c.value for c in ws[3]]
    assert header[:4] == ["STT", "Đơn vị", "Số phần việc", "Hoàn thành"] and "Phần việc trễ hạn" in header
    progress = await app.queries.progress(None, NOW.date())
    names = {app.units.name(u): u for u in progress if u != "*"}
    seen = {}
    for values in ws.iter_rows(min_row=4, values_only=True):
        if values[1] in names or values[1] == "Toàn Sở":
            seen[values[1]] = values
            if values[1] == "Toàn Sở":
                break
    assert set(seen) == {*names, "Toàn Sở"}
    for name, values in seen.items():
        counts = progress["*"] if name == "Toàn Sở" else progress[names[name]]
        _, _, total, done, _verified, in_progress, blocked, said, not_updated, overdue, done_late, rate = values
        assert (total, done, in_progress, blocked, said + not_updated, not_updated, overdue, done_late) == (
            counts["total"], counts["done"], counts["in_progress"], counts["blocked"], counts["not_started"],
            counts["not_updated"], counts["overdue"], counts["done_late"],
        ), name
        assert rate == pytest.approx(done / total)
    assert seen["Văn phòng Sở"][4] == 2  # tasks 2 and 3: done with an accepted file, nothing pending
    assert seen["Văn phòng Sở"][3] == 3  # 2, 3, 8 — task 5 still has its Q3 and annual reports ahead
    areas = [v for v in ws.iter_rows(values_only=True) if v[0] in ("I", "II", "III", "IV", "V", "VI", "VII")]
    assert [a[0] for a in areas] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert sum(a[2] for a in areas) == progress["*"]["total"]


async def test_audit_sheet_holds_every_change_evidence_and_review(app, scripted, tmp_path):
    _, wb = await export(app, tmp_path)
    ws = wb["Lịch sử"]
    assert [c.value for c in ws[3]] == ["Thời điểm", "NV", "Đơn vị", "Sự kiện", "Nội dung", "Người thực hiện", "Kênh"]
    events = [v for v in ws.iter_rows(min_row=4, values_only=True) if v[0] is not None]
    kinds = [e[3] for e in events]
    assert kinds.count("Cập nhật tình trạng") == 10  # tasks 3, 8, 17, 7, 2 twice, 4 and 5 three times
    assert kinds.count("Gửi minh chứng") == 4
    assert kinds.count("Xác nhận minh chứng") == 2 and kinds.count("Trả lại minh chứng") == 1
    times = [e[0] for e in events]
    assert times == sorted(times)
    returned = next(e for e in events if e[3] == "Trả lại minh chứng")
    assert returned[1] == 2 and returned[4] == "anh.jpg: Ảnh mờ, chụp lại" and returned[5] == "Trần Thị B"
    assert [e[4] for e in events if e[1] == 5] == [  # a share with four reports is done report by report
        "Hoàn thành — hoàn thành mốc «Báo cáo Quý I»", "Đang thực hiện 80%",
        "Hoàn thành — hoàn thành mốc «Báo cáo 6 tháng»",
    ]
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3:G")


async def test_period_sheet_lists_what_was_completed_in_q3(app, scripted, tmp_path):
    result, wb = await export(app, tmp_path, period="Q3")
    assert wb.sheetnames[-1] == "Hoàn thành Quý III"
    ws = wb["Hoàn thành Quý III"]
    assert "01/07–30/09/2022" in ws["A1"].value
    rows = [v for v in ws.iter_rows(min_row=4, values_only=True) if v[1] is not None]
    listed = {(r[1], r[4]): r for r in rows}
    # task 5 is not listed: its «xong» of 5/8 completed one report of four (the share is in progress)
    assert set(listed) == {(3, "Văn phòng Sở"), (8, "Văn phòng Sở"), (4, "Thanh tra Sở")}
    assert result.period_rows == 3
    assert listed[(3, "Văn phòng Sở")][8] == "1 tệp\n• bien-ban.pdf — đã xác nhận"
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)
    _, q2 = await export(app, tmp_path, name="q2.xlsx", period="Q2")
    q2_rows = [v for v in q2["Hoàn thành Quý II"].iter_rows(min_row=4, values_only=True) if v[1] is not None]
    assert {(r[1], r[4]) for r in q2_rows} == {(2, "Văn phòng Sở")}  # task 5: one report of four, not done


async def test_unit_export_holds_only_that_units_shares(app, scripted, tmp_path):
    _, wb = await export(app, tmp_path, unit_id="thanh-tra")
    ws = wb["Phụ lục"]
    assert "Thanh tra Sở" in ws["A2"].value
    tt_tasks = {lead.task_number for lead in await app.queries.leads(unit_ids=["thanh-tra"])}
    numbers = [v[0] for k, v in appendix_rows(ws) if k == "task"]
    assert set(numbers) == tt_tasks and 3 not in numbers
    for kind, values in appendix_rows(ws):
        if kind != "section":
            status, evidence = values[6] or "", values[8] or ""
            assert "Văn phòng Sở" not in status and "bien-ban" not in evidence
    assert task_row(ws, 4)["Tình trạng"] == "Hoàn thành — chưa có minh chứng được xác nhận"
    audit = [v for v in wb["Lịch sử"].iter_rows(min_row=4, values_only=True) if v[0] is not None]
    assert audit and {e[2] for e in audit} == {"Thanh tra Sở"}
    summary = [v[1] for v in wb["Tổng hợp"].iter_rows(min_row=4, max_row=5, values_only=True)]
    assert summary == ["Thanh tra Sở", "Toàn Sở"]


async def test_cli_export_with_period(app, scripted, tmp_path, capsys):
    path = tmp_path / "cli.xlsx"
    code = await _cli(["--db", app.settings.db_url, "export", "xlsx", str(path), "--period", "Q3"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "59 nhiệm vụ" in out.out
    assert load_workbook(path).sheetnames == ["Phụ lục", "Tổng hợp", "Lịch sử", "Hoàn thành Quý III"]
    assert await _cli(["--db", app.settings.db_url, "export", "xlsx", str(tmp_path / "x.csv")]) == 1
    assert "xlsx" in capsys.readouterr().err
    assert await _cli(["--db", app.settings.db_url, "export", "xlsx", str(path), "--period", "Q5"]) == 2


async def _cli(argv: list[str]) -> int:
    """The CLI runs its own event loop; run it in a thread from this async test."""
    import asyncio

    try:
        return await asyncio.to_thread(cli_main, argv)
    except SystemExit as exc:  # argparse errors exit
        return int(exc.code)


async def test_export_on_postgresql_keeps_local_times(postgres_url, tmp_path):
    """PostgreSQL returns aware timestamps (SQLite naive local ones): the workbook shows local time."""
    from tests.conftest import make_settings

    application = await build_app(make_settings(tmp_path, database_url=postgres_url), clock=FixedClock(NOW))
    try:
        await application.plans.import_plan(SEED)
        head = await person(application, "van-phong", "head", "Nguyễn Văn A")
        coord = await person(application, "van-phong", "coordinator", "Trần Thị B")
        lead = await set_status(application, head, 3, "done", at(8, 10, 14, 30))
        ev = await add_evidence(application, lead, head, "bien-ban.pdf", at(8, 10, 15))
        assert (await application.review.accept(coord, ev, now=at(8, 11, 8))).kind == "accepted"
        _, wb = await export(application, tmp_path, period="Q3")
    finally:
        await application.close()
    t3 = task_row(wb["Phụ lục"], 3)
    assert t3["Tình trạng"] == "Hoàn thành — đã xác nhận"
    assert t3["Cập nhật lần cuối"] == "Nguyễn Văn A, 10/08/2022 14:30"
    audit = [v for v in wb["Lịch sử"].iter_rows(min_row=4, values_only=True) if v[0] is not None]
    assert [(e[0].strftime("%d/%m %H:%M"), e[3]) for e in audit] == [
        ("10/08 14:30", "Cập nhật tình trạng"), ("10/08 15:00", "Gửi minh chứng"), ("11/08 08:00", "Xác nhận minh chứng"),
    ]
    rows = [v for v in wb["Hoàn thành Quý III"].iter_rows(min_row=4, values_only=True) if v[1] is not None]
    assert [(r[1], r[5].date().isoformat()) for r in rows] == [(3, "2022-08-10")]
