"""`cchc-bot plan check PATH` reads a document without storing it and prints what it understood; `plan
import` of the same document lists what needs a coordinator (unknown units with a suggestion, deadlines
that need a date) and imports the rest."""

from __future__ import annotations

import json

from tests import plan_layouts_kit as kit
from tests.cli_kit import cli


def test_plan_check_prints_tasks_units_and_deadlines_and_stores_nothing(tmp_path):
    path = kit.write_docx(tmp_path / "ke-hoach-2023.docx")
    out = cli(tmp_path, "plan", "check", str(path))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "7 nhiệm vụ, 8 dòng phân công" in text
    assert "«Quý II - Quý III/2023» → hạn 30/09/2023" in text
    assert "«Trước tháng 6» → hạn 31/05/2023" in text
    assert "«Định kỳ 6 tháng» → định kỳ 30/06/2023 (Định kỳ 6 tháng (6 tháng đầu năm)); định kỳ 31/12/2023" in text
    assert "1 mốc cần xác định thời hạn" in text and "NV 6 «Khi hệ thống sẵn sàng»" in text
    assert "NV 4 «P. Kinh tế» — đơn vị chưa có trong danh mục ·" in text
    assert "NV 7 «Phòng Thương mại - Dịch vụ» — đơn vị chưa có trong danh mục; có phải «Phòng Quản lý Thương mại»?" in text
    dump = cli(tmp_path, "plan", "dump", "--json")
    assert dump.returncode == 1 and "chưa có kế hoạch" in dump.stderr


def test_plan_check_json(tmp_path):
    out = cli(tmp_path, "plan", "check", str(kit.write_xlsx(tmp_path / "ke-hoach-2023.xlsx")), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["plan"]["year"] == 2023
    assert [t["number"] for t in report["tasks"]] == list(range(1, 8))
    second = report["tasks"][1]["assignments"][0]
    assert (second["lead"], second["deadline_text"]) == (["qltm"], "Trước ngày 25 hằng tháng")
    assert {(m["kind"], m["recurrence"]) for m in second["milestones"]} == {("recurring", "monthly")}
    assert len(second["milestones"]) == 12
    assert report["needs_date"] == [{"task": 6, "text": "Khi hệ thống sẵn sàng"}]
    assert report["unknown_units"] == [
        {"task": 4, "name": "P. Kinh tế", "suggestion": None},
        {"task": 7, "name": "Phòng Thương mại - Dịch vụ", "suggestion": "Phòng Quản lý Thương mại"},
    ]


def test_plan_check_of_a_malformed_document_names_the_row(tmp_path, monkeypatch):
    broken = [list(r) for r in kit.FIRST]
    broken[2][1] = ""
    monkeypatch.setattr(kit, "FIRST", broken)
    out = cli(tmp_path, "plan", "check", str(kit.write_docx(tmp_path / "a.docx")))
    assert out.returncode == 1
    assert "bảng 1, hàng 5: nhiệm vụ 2 thiếu tên nhiệm vụ" in out.stderr


def test_plan_import_of_the_other_layout_lists_what_needs_a_coordinator(tmp_path):
    out = cli(tmp_path, "plan", "import", str(kit.write_xlsx(tmp_path / "ke-hoach-2023.xlsx")))
    assert out.returncode == 0, out.stderr
    assert "Đã nhập kế hoạch năm 2023: 7 nhiệm vụ, 8 dòng phân công" in out.stdout
    assert "• nhiệm vụ 4: «P. Kinh tế» — đơn vị chưa có trong danh mục\n" in out.stdout
    assert "• nhiệm vụ 7: «Phòng Thương mại - Dịch vụ» — đơn vị chưa có trong danh mục; có phải «Phòng Quản lý " in out.stdout
    assert "1 mốc cần xác định thời hạn: nhiệm vụ 6 «Khi hệ thống sẵn sàng»" in out.stdout
    dump = json.loads(cli(tmp_path, "plan", "dump", "--json").stdout)
    fourth = dump["tasks"][3]["assignments"][0]
    assert (fourth["lead"], fourth["coordinating"]) == (["van-phong"], ["van-phong"])  # held by the Văn phòng


async def test_a_task_without_a_known_lead_unit_reads_in_chat_and_in_the_export(app, tmp_path):
    from conversation.router import Router
    from tests.conversation_kit import registered

    await app.plans.import_plan(kit.write_xlsx(tmp_path / "ke-hoach-2023.xlsx"))
    coordinator = await registered(app, Router(app), "c9", "van-phong", role="coordinator")
    card = await coordinator.text("nhiệm vụ 4")
    assert "Rà soát, đơn giản hóa thủ tục hành chính" in card
    assert "cần xác định thời hạn" in await coordinator.text("nhiệm vụ 6")
    assert await coordinator.text("việc nào trễ hạn")
    result = await app.exports.export(tmp_path / "bao-cao.xlsx", now=app.clock.now(), period=None)
    assert result.tasks == 7
