"""The periodic CCHC report drafted from what units reported (issue 13): a scripted third quarter on the
real 2022 plan, drafted through `cchc-bot report draft`, opened with python-docx."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from bot.cli import main as cli_main
from tests.coordinator_kit import add_evidence, at, person, set_status

SECTION_TITLES = [
    "Công tác chỉ đạo, điều hành",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
]


@pytest.fixture
def app(plan_app):
    return plan_app


async def figure(app, user, code: str, period: str, value: float, when, **kwargs):
    _, targets = await app.targets.targets()
    target = next(t for t in targets if t.code == code)
    outcome = await app.targets.record(
        user, target_id=target.id, period=period, value=value, channel="test", text=None, key=None, now=when, **kwargs
    )
    assert outcome.kind == "recorded", outcome.kind
    return outcome


@pytest.fixture
async def quarter(app):
    """Q3 2022 (window 15/06–14/09): three tasks done with evidence, one blocked with a note, two target
    figures — and, after the cut-off, a change and a figure that the Q3 report must not show."""
    vp = await person(app, "van-phong", "head", "Nguyễn Văn A")
    tt = await person(app, "thanh-tra", "head", "Lê Thị C")
    coord = await person(app, "van-phong", "coordinator", "Trần Thị B")
    lead3 = await set_status(app, vp, 3, "done", at(8, 10, 14, 30))
    await add_evidence(app, lead3, vp, "ke-hoach-kiem-tra.pdf", at(8, 10, 15))
    lead4 = await set_status(app, tt, 4, "done", at(7, 20))
    await add_evidence(app, lead4, tt, "bao-cao-tuyen-truyen.pdf", at(7, 21))
    await set_status(app, vp, 8, "done", at(9, 5))
    await set_status(app, vp, 17, "in_progress", at(8, 1), percent=60)
    await set_status(app, vp, 7, "blocked", at(8, 2), note="chờ hướng dẫn của Sở Nội vụ")
    await figure(app, coord, "7.1", "Q3", 97, at(9, 1))
    await figure(app, vp, "1.2", "Q3", 57, at(9, 2), numerator=4, denominator=7)
    # after the cut-off (14/09): not in the Q3 report
    await set_status(app, vp, 17, "done", at(9, 20))
    await figure(app, coord, "7.1", "Q3", 99, at(9, 20))
    await set_status(app, vp, 9, "blocked", at(9, 21), note="thiếu kinh phí in ấn")
    return {"vp": vp, "tt": tt, "coord": coord}


async def _cli(argv: list[str]) -> int:
    try:
        return await asyncio.to_thread(cli_main, argv)
    except SystemExit as exc:
        return int(exc.code)


def _text(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _between(lines: list[str], start: str, end: str) -> list[str]:
    i = next(n for n, line in enumerate(lines) if line.startswith(start))
    j = next(n for n, line in enumerate(lines) if n > i and line.startswith(end))
    return lines[i + 1 : j]


def _area(lines: list[str], number: int) -> list[str]:
    i = next(n for n, line in enumerate(lines) if re.match(rf"{number}\. ", line))
    j = next(n for n, line in enumerate(lines) if n > i and (re.match(rf"{number + 1}\. ", line) or line.startswith("III.")))
    return lines[i:j]


async def test_cli_drafts_the_q3_report_from_what_units_reported(app, quarter, tmp_path, capsys):
    out = tmp_path / "r.docx"
    code = await _cli(["--db", app.settings.db_url, "report", "draft", "--period", "Q3", "--year", "2022", "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert printed.out.strip() == str(out)
    document = docx.Document(str(out))
    lines = _text(document)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]

    # the seven reform areas of the plan, in order, under II
    part2 = _between(lines, "II.", "III.")
    area_headings = [h for h in headings if h in part2]
    assert [re.sub(r"^\d\. ", "", h) for h in area_headings[:6]] == SECTION_TITLES
    assert len(area_headings) == 7 and area_headings[6].startswith("7. Xây dựng và phát triển chính")

    # each completed task under its own area, with its unit and date; nothing completed after the cut-off
    area1, area3, area5 = _area(lines, 1), _area(lines, 3), _area(lines, 5)
    assert any("Nhiệm vụ 3:" in line and "Văn phòng Sở" in line and "10/08/2022" in line for line in area1)
    assert any("Nhiệm vụ 4:" in line and "Thanh tra Sở" in line and "20/07/2022" in line for line in area1)
    assert not any("Nhiệm vụ 17:" in line and "hoàn thành" in line for line in lines)
    assert any("Nhiệm vụ 17:" in line and "Đang thực hiện 60%" in line for line in part2)
    task8_area = next(n for n in range(1, 8) if any("Nhiệm vụ 8:" in line and "05/09/2022" in line for line in _area(lines, n)))
    assert task8_area == 1 and not any("Nhiệm vụ 3:" in line for line in area3 + area5)
    # evidence by file name and date
    assert any("ke-hoach-kiem-tra.pdf" in line and "10/08/2022" in line for line in area1)

    # the reported target figures beside their goals (as they stood at the cut-off: 97, not 99)
    area7 = _area(lines, 7)
    assert any("Chỉ tiêu 7.1" in line and "mục tiêu 100%" in line and "kết quả 97%" in line and "chưa đạt" in line
               for line in area7)
    assert any("Chỉ tiêu 1.2" in line and "≥ 60%" in line and "kết quả 57%" in line and "(4/7)" in line for line in area1)
    assert not any("99%" in line for line in lines)

    # «tồn tại, hạn chế»: the blocker's text with its unit; the later one is not there
    weaknesses = _between(lines, "2. Tồn tại, hạn chế", "IV.")
    assert any("Nhiệm vụ 7" in line and "Văn phòng Sở" in line and "chờ hướng dẫn của Sở Nội vụ" in line
               for line in weaknesses)
    assert not any("thiếu kinh phí" in line for line in lines)

    # part IV: the next period's deadlines, by unit (task 37: «Trước 20/12»)
    part4 = _between(lines, "IV.", "Trên đây")
    assert any("Nhiệm vụ 37:" in line and "Trước 20/12" in line and "20/12/2022" in line for line in part4)
    assert "Văn phòng Sở:" in part4

    # the appendix: every one of the 59 tasks with its status per lead unit
    table = document.tables[-1]
    numbers = [int(row.cells[0].text) for row in table.rows[1:] if row.cells[0].text.isdigit()]
    assert numbers == list(range(1, 60))
    row3 = next(row for row in table.rows if row.cells[0].text == "3")
    assert "Hoàn thành (10/08/2022)" in row3.cells[4].text

    # typography: Times New Roman 13–14, justified body, A4 with administrative margins
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    assert normal.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm) == 3 and round(section.top_margin.cm) == 2
    assert all(document.styles[h].font.bold for h in ("Heading 1", "Heading 2"))


async def test_custom_template_replaces_the_bundled_one(app, quarter, tmp_path, monkeypatch, capsys):
    template = tmp_path / "mau-tinh.docx"
    doc = docx.Document()
    doc.add_paragraph("BÁO CÁO RIÊNG CỦA TỈNH — {{ period_name }}")
    doc.add_paragraph("{%p for area in areas %}")
    doc.add_paragraph("Lĩnh vực {{ area.roman }}: {{ area.completed|length }} việc xong")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("Vướng mắc: {% for b in blockers %}{{ b.unit }} — {{ b.note }}{% endfor %}")
    doc.save(str(template))
    monkeypatch.setenv("REPORT_TEMPLATE_FILE", str(template))
    out = tmp_path / "rieng.docx"
    code = await _cli(["--db", app.settings.db_url, "report", "draft", "--period", "q3", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    lines = _text(docx.Document(str(out)))
    assert lines[0] == "BÁO CÁO RIÊNG CỦA TỈNH — Quý III năm 2022"
    assert lines[1:8] == [f"Lĩnh vực {r}: {n} việc xong" for r, n in
                          zip(("I", "II", "III", "IV", "V", "VI", "VII"), (3, 0, 0, 0, 0, 0, 0), strict=True)]
    assert lines[8] == "Vướng mắc: Văn phòng Sở — chờ hướng dẫn của Sở Nội vụ"


@pytest.mark.parametrize(
    ("argv", "template", "expected", "exit_code"),
    [
        (["--period", "Q4"], None, "kỳ báo cáo «Q4» không hợp lệ", 2),
        (["--period", "Q3", "--year", "2031"], None, "chưa có kế hoạch năm 2031", 1),
        (["--period", "Q3"], "not-a-docx", "không phải tệp Word", 1),
        (["--period", "Q3"], "bad-jinja", "lỗi cú pháp", 1),
        (["--period", "Q3"], "unknown-name", "không có trong dữ liệu", 1),
    ],
)
async def test_bad_input_one_line_nothing_written(app, tmp_path, monkeypatch, capsys, argv, template, expected, exit_code):
    if template == "not-a-docx":
        path = tmp_path / "mau.docx"
        path.write_text("đây không phải Word", encoding="utf-8")
        monkeypatch.setenv("REPORT_TEMPLATE_FILE", str(path))
    elif template in ("bad-jinja", "unknown-name"):
        path = tmp_path / "mau.docx"
        doc = docx.Document()
        doc.add_paragraph("{% for x in areas %}" if template == "bad-jinja" else "{{ khong_co_ten_nay }}")
        doc.save(str(path))
        monkeypatch.setenv("REPORT_TEMPLATE_FILE", str(path))
    out = tmp_path / "r.docx"
    code = await _cli(["--db", app.settings.db_url, "report", "draft", *argv, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == exit_code
    assert expected in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists() and not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".r.docx*"))


async def test_report_reads_the_figures_as_they_stood_at_the_cutoff(app, quarter):
    """The service itself: Q3 counts as of 14/09, Y counts everything recorded by 14/12."""
    q3 = await app.reports.draft("Q3", 2022)
    assert (q3.start.isoformat(), q3.cutoff.isoformat()) == ("2022-06-15", "2022-09-14")
    assert q3.counts.done == 3 and q3.counts.blocked == 1 and q3.counts.in_progress == 1
    assert q3.counts.total == q3.counts.done + q3.counts.in_progress + q3.counts.blocked + q3.counts.not_started
    year = await app.reports.draft("Y", 2022)
    assert year.counts.done == 4 and year.counts.blocked == 2
    area7 = next(a for a in year.areas if a.number == 7)
    assert next(t for t in area7.targets if t.code == "7.1").figure == ""  # Q3 figures are not the year's
    q3_71 = next(t for t in next(a for a in q3.areas if a.number == 7).targets if t.code == "7.1")
    assert (q3_71.figure, q3_71.verdict) == ("97%", "chưa đạt")


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice is not installed")
async def test_libreoffice_converts_the_draft_to_pdf(app, quarter, tmp_path):
    """The same draft through LibreOffice: a PDF of a few A4 pages, every heading and the appendix in it."""
    out = tmp_path / "r.docx"
    await app.reports.write("Q3", out, 2022)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    result = await asyncio.to_thread(
        subprocess.run,
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=110,
    )
    pdf = tmp_path / "r.pdf"
    assert pdf.exists(), result.stderr
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 3 <= pages <= 30
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595", data)  # A4 width in points
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        for heading in ("I. CÔNG TÁC CHỈ ĐẠO", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG", "PHỤ LỤC"):
            assert heading in text
        assert "Trước 20/12" in text and "{{" not in text and "{%" not in text


def test_bundled_template_is_what_the_script_builds(tmp_path):
    """The committed .docx and scripts/make_report_template.py say the same thing (text and tags)."""
    import importlib.util

    from bot.settings import DEFAULTS

    script = Path(__file__).resolve().parents[2] / "scripts" / "make_report_template.py"
    spec = importlib.util.spec_from_file_location("make_report_template", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path / "t.docx")

    def body(path):
        d = docx.Document(str(path))
        cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
        return [p.text for p in d.paragraphs], cells

    assert body(built) == body(DEFAULTS / "report_template.docx")


async def test_report_on_postgresql_reads_local_times(postgres_url, tmp_path):
    """PostgreSQL returns aware UTC timestamps (SQLite naive local ones): a change at 01:00 local time on
    15/09 is after the Q3 cut-off (14/09) although it is still 14/09 in UTC."""
    from bot.bootstrap import build_app
    from domain.clock import FixedClock
    from tests.conftest import SEED, make_settings

    application = await build_app(make_settings(tmp_path, database_url=postgres_url), clock=FixedClock(at(9, 1)))
    try:
        await application.plans.import_plan(SEED)
        vp = await person(application, "van-phong", "head", "Nguyễn Văn A")
        await set_status(application, vp, 3, "done", at(9, 14, 23, 30))
        await set_status(application, vp, 8, "done", at(9, 15, 1, 0))
        await figure(application, vp, "7.1", "Q3", 97, at(9, 14, 22))
        await figure(application, vp, "7.1", "Q3", 98, at(9, 15, 1))
        draft = await application.reports.draft("Q3", 2022)
        done = [c.task for a in draft.areas for c in a.completed]
        assert done == [3]
        area7 = next(a for a in draft.areas if a.number == 7)
        assert next(t for t in area7.targets if t.code == "7.1").figure == "97%"
    finally:
        await application.close()
