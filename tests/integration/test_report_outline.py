"""The periodic CCHC report in the outline the province expects (docs/report.md): a scripted year on the real
2022 plan, drafted for Quý III and for the year through `cchc-bot report draft`, opened with python-docx.
Checks the outline's headings, the overdue list of III, the carry-forward of IV, the page-number field,
the repeated header rows of the annex tables, and that returned or pending evidence never appears."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from bot.cli import main as cli_main
from tests.coordinator_kit import add_evidence, at, person, set_status

BLANK = "[…cần bổ sung…]"
HEADINGS = [
    "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
    "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
    "1. Cải cách thể chế",
    "2. Cải cách thủ tục hành chính",
    "3. Cải cách tổ chức bộ máy",
    "4. Cải cách chế độ công vụ",
    "5. Cải cách tài chính công",
    "6. Xây dựng và phát triển chính quyền điện tử",
    "III. ĐÁNH GIÁ CHUNG",
    "1. Ưu điểm",
    "2. Tồn tại, hạn chế",
    "3. Nguyên nhân",
    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
    "V. KIẾN NGHỊ, ĐỀ XUẤT",
]


async def figure(app, user, code: str, period: str, value: float, when, **kwargs):
    _, targets = await app.targets.targets()
    target = next(t for t in targets if t.code == code)
    outcome = await app.targets.record(
        user, target_id=target.id, period=period, value=value, channel="test", text=None, key=None, now=when, **kwargs
    )
    assert outcome.kind == "recorded", outcome.kind


@pytest.fixture
async def year(plan_app):
    """A year of the 2022 plan: work done, in progress and blocked in Q3 (window 15/06–14/09), evidence
    accepted, returned and pending, target figures — and changes after the Q3 cut-off."""
    app = plan_app
    vp = await person(app, "van-phong", "head", "Nguyễn Văn A")
    tt = await person(app, "thanh-tra", "head", "Lê Thị C")
    coord = await person(app, "van-phong", "coordinator", "Trần Thị B")
    lead3 = await set_status(app, vp, 3, "done", at(8, 10, 14, 30))
    good = await add_evidence(app, lead3, vp, "ke-hoach-kiem-tra.pdf", at(8, 10, 15))
    bad = await add_evidence(app, lead3, vp, "ban-nhap-sai.pdf", at(8, 11))
    await add_evidence(app, lead3, vp, "cho-duyet-chua-xem.pdf", at(8, 12))
    await app.review.accept(coord, good, now=at(8, 15))
    await app.review.return_(coord, bad, "sai mẫu", now=at(8, 15))
    await set_status(app, tt, 4, "done", at(7, 20))
    await set_status(app, vp, 8, "done", at(9, 5))
    await set_status(app, vp, 17, "in_progress", at(8, 1), percent=60)
    await set_status(app, vp, 7, "blocked", at(8, 2), note="chờ hướng dẫn của Sở Nội vụ")
    await figure(app, coord, "7.1", "Q3", 97, at(9, 1))
    await figure(app, vp, "1.2", "Q3", 57, at(9, 2), numerator=4, denominator=7)
    # after the Q3 cut-off (14/09)
    await set_status(app, vp, 17, "done", at(9, 20))
    await figure(app, coord, "7.1", "Q3", 99, at(9, 20))
    await set_status(app, vp, 9, "blocked", at(9, 21), note="thiếu kinh phí in ấn")
    return app


async def _cli(argv: list[str]) -> int:
    try:
        return await asyncio.to_thread(cli_main, argv)
    except SystemExit as exc:
        return int(exc.code)


def _lines(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _between(lines: list[str], start: str, end: str) -> list[str]:
    i = next(n for n, line in enumerate(lines) if line.startswith(start))
    j = next(n for n, line in enumerate(lines) if n > i and line.startswith(end))
    return lines[i + 1 : j]


async def _draft(app, period: str, out: Path, capsys, *extra: str) -> tuple[docx.document.Document, dict]:
    code = await _cli(["--db", app.settings.db_url, "report", "draft", "--period", period, "--year", "2022",
                       "--out", str(out), "--json", *extra])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    return docx.Document(str(out)), json.loads(printed.out)


async def test_q3_draft_follows_the_outline(year, tmp_path, capsys):
    document, printed = await _draft(year, "Q3", tmp_path / "q3.docx", capsys)
    lines = _lines(document)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == HEADINGS
    text = "\n".join(lines)
    assert "{{" not in text and "{%" not in text
    # căn cứ: the plan's number and date as far as the plan file states them, the rest marked
    basis = next(line for line in lines if line.startswith("Căn cứ Kế hoạch số"))
    assert "/KH-SCT" in basis and BLANK in basis and "cải cách hành chính năm 2022" in basis

    # I is the plan's area I: its targets and its tasks (3, 4 and 8 done in the period, 7 blocked)
    part1 = _between(lines, "I. CÔNG TÁC", "II. KẾT QUẢ")
    assert any(line.startswith("- Chỉ tiêu 1.2") and "ít nhất 60%" in line and "57% (4/7)" in line and "chưa đạt" in line
               for line in part1)
    assert any("Nhiệm vụ 3 «" in line and "Văn phòng Sở ngày 10/08/2022" in line for line in part1)
    assert any("Nhiệm vụ 4 «" in line and "Thanh tra Sở ngày 20/07/2022" in line for line in part1)
    assert any("Gặp vướng mắc" in line and "nhiệm vụ 7 (Văn phòng Sở)" in line for line in part1)
    assert any("nhiệm vụ 17 (Văn phòng Sở 60%)" in line for line in lines)  # in progress at the cut-off (area 3)
    # the figure typed after the cut-off is stated as such, the one before it is judged
    target71 = next(line for line in lines if line.startswith("- Chỉ tiêu 7.1"))
    assert "97%" in target71 and "chưa đạt" in target71 and "99%" in target71 and "sau ngày chốt" in target71

    # III.1: tasks and shares done, in the projection's numbers
    strengths = _between(lines, "1. Ưu điểm", "2. Tồn tại")
    assert strengths[0].startswith("Đến hết ngày 14/09/2022, 2/59 nhiệm vụ của Kế hoạch đã hoàn thành")
    assert f"{printed['counts']['done']}/{printed['counts']['shares']} phần việc" in strengths[0]
    # III.2: every overdue share at the cut-off, every blocker quoted; nothing recorded after the cut-off
    weaknesses = _between(lines, "2. Tồn tại, hạn chế", "3. Nguyên nhân")
    overdue = [line for line in weaknesses if line.startswith("- Nhiệm vụ ") and "(hạn " in line]
    assert printed["counts"]["overdue"] > 0
    named = {(s["task"], s["unit"]) for s in printed["shares"] if s["overdue"]}
    assert {int(re.match(r"- Nhiệm vụ (\d+)", line).group(1)) for line in overdue} == {t for t, _ in named}
    assert any(line.startswith("- Nhiệm vụ 36 ") and "Quý I" in line and "31/03/2022" in line for line in overdue)
    assert not any(line.startswith("- Nhiệm vụ 1 ") for line in overdue)  # «Tháng 12/2021» precedes the plan
    assert any("Nhiệm vụ 7 «" in line and "«chờ hướng dẫn của Sở Nội vụ»" in line for line in weaknesses)
    assert "thiếu kinh phí" not in text
    causes = _between(lines, "3. Nguyên nhân", "IV.")
    assert any(line.startswith("- Chờ văn bản, hướng dẫn") and "nhiệm vụ 7" in line for line in causes)

    # IV: what falls due from 15/09 to 31/12 — the rest of the quarter included — and the carried work
    part4 = _between(lines, "IV.", "V. KIẾN NGHỊ")
    assert any("từ ngày 15/09/2022 đến ngày 31/12/2022" in line for line in part4)
    assert any(line.startswith("- Nhiệm vụ 7 ") and "16/09/2022" in line for line in part4)  # 18/09 (CN) → 16/09
    assert any(line.startswith("- Nhiệm vụ 37 ") and "Trước 20/12" in line for line in part4)
    carried = next(line for line in part4 if line.startswith("1. Tập trung hoàn thành"))
    assert re.search(r"số .*\b7\b", carried) and re.search(r"\b36\b", carried)
    # V: the blocker that needs the province, with a marked blank for the proposal
    part5 = _between(lines, "V. KIẾN NGHỊ", "Trên đây")
    assert any("Nhiệm vụ 7 (Văn phòng Sở)" in line and BLANK in line for line in part5)

    # evidence in proportion: accepted ones only
    assert "ke-hoach-kiem-tra.pdf" in text
    assert "ban-nhap-sai.pdf" not in text and "cho-duyet-chua-xem.pdf" not in text
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "ban-nhap-sai.pdf" not in cells and "cho-duyet-chua-xem.pdf" not in cells


async def test_q3_draft_form(year, tmp_path, capsys):
    document, _ = await _draft(year, "Q3", tmp_path / "q3.docx", capsys)
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert (round(section.top_margin.cm), round(section.bottom_margin.cm)) == (2, 2)
    assert (round(section.left_margin.cm), round(section.right_margin.cm, 1)) == (3, 1.5)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    # the page number: a PAGE field in the header, not on the first page
    header = section.header._element
    assert any("PAGE" in (t.text or "") for t in header.iter(qn("w:instrText")))
    assert section.different_first_page_header_footer
    # the annex tables repeat their header row on every page
    annex = document.tables[-3:]
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in annex)
    stats, targets, indicators = annex
    assert [row.cells[1].text for row in stats.rows[1:]][-1] == "Tổng số"
    assert len(stats.rows) == 1 + 7 + 1
    assert len(targets.rows) == 1 + 25 and targets.rows[1].cells[0].text == "1.1"
    # every blank is the one marker, highlighted
    marks = [r for p in document.paragraphs for r in p.runs if BLANK in r.text]
    assert marks and all(r.font.highlight_color is not None for r in marks)
    assert any(BLANK in row.cells[3].text for row in indicators.rows[1:])
    heading = [c.text for c in document.tables[0].rows[0].cells]
    assert heading[0].startswith("UBND TỈNH BÌNH ĐỊNH\nSỞ CÔNG THƯƠNG") and f"Số: {BLANK}/BC-SCT" in heading[0]
    assert "Độc lập - Tự do - Hạnh phúc" in heading[1] and f"Bình Định, ngày {BLANK} năm 2022" in heading[1]
    signature = " ".join(c.text for c in document.tables[-4].rows[0].cells)
    assert "KT. GIÁM ĐỐC" in signature and "PHÓ GIÁM ĐỐC" in signature and "Nơi nhận" in signature


async def test_annual_draft_and_its_json(year, tmp_path, capsys):
    document, printed = await _draft(year, "Y", tmp_path / "y.docx", capsys, "--signer", "director")
    lines = _lines(document)
    assert printed["period"] == "Y" and printed["cut_off"] == "2022-12-14"
    assert printed["counts"]["done"] == 4 and printed["counts"]["blocked"] == 2
    assert printed["counts"]["shares"] == len(printed["shares"])
    # the annual view falls back to the year's latest figure, labelled with its period
    t71 = next(t for t in printed["targets"] if t["code"] == "7.1")
    assert t71["value"] == 99 and t71["period"] == "Q3" and t71["name"].startswith("100% văn bản hành chính")
    assert any(line.startswith("- Chỉ tiêu 7.1") and "99% (số liệu Quý III)" in line for line in lines)
    weaknesses = _between(lines, "2. Tồn tại, hạn chế", "3. Nguyên nhân")
    assert any("«thiếu kinh phí in ấn»" in line for line in weaknesses)
    part4 = _between(lines, "IV.", "V. KIẾN NGHỊ")
    assert any("từ ngày 15/12/2022 đến ngày 31/03/2023" in line for line in part4)
    signature = " ".join(c.text for c in document.tables[-4].rows[0].cells)
    assert "GIÁM ĐỐC" in signature and "KT." not in signature


async def test_evidence_annex_lists_accepted_files_only(year, tmp_path, capsys):
    import openpyxl

    annex = tmp_path / "minh-chung.xlsx"
    await _draft(year, "Q3", tmp_path / "q3.docx", capsys, "--evidence-annex", str(annex))
    sheet = openpyxl.load_workbook(annex).active
    names = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["ke-hoach-kiem-tra.pdf"]
