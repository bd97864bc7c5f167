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


async def test_custom_template_replaces_the_bundled_one(app, quarter, tmp_path, monkeypatch, capsys):
    template = tmp_path / "mau-tinh.docx"
    doc = docx.Document()
    doc.add_paragraph("BÁO CÁO RIÊNG CỦA TỈNH — {{ period_name }}")
    doc.add_paragraph("{%p for area in areas %}")
    doc.add_paragraph("Lĩnh vực {{ area.roman }}: {{ area.done|length }} việc xong")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("Vướng mắc: {% for b in blockers %}{{ b.unit }} — {{ b.note }}{% endfor %}")
    doc.save(str(template))
    monkeypatch.setenv("REPORT_TEMPLATE_FILE", str(template))
    out = tmp_path / "rieng.docx"
    code = await _cli(["--db", app.settings.db_url, "report", "draft", "--period", "q3", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    lines = _text(docx.Document(str(out)))
    assert lines[0] == "BÁO CÁO RIÊNG CỦA TỈNH — Quý III năm 2022"
    assert lines[1:7] == [f"Lĩnh vực {r}: 0 việc xong" for r in ("II", "III", "IV", "V", "VI", "VII")]
    assert lines[7] == "Vướng mắc: Văn phòng Sở — chờ hướng dẫn của Sở Nội vụ"


@pytest.mark.parametrize(
    ("argv", "template", "expected", "exit_code"),
    [
        (["--period", "Q5"], None, "kỳ báo cáo «Q5» không hợp lệ", 2),
        (["--period", "Q3", "--year", "2024"], None, "chưa có kế hoạch năm 2024", 1),
        (["--period", "Q3", "--year", "2031"], None, "--year 2031 quá xa", 1),
        (["--period", "Q3"], "not-a-docx", "không phải tệp Word", 1),
        (["--period", "Q3"], "bad-jinja", "lỗi cú pháp", 1),
        (["--period", "Q3"], "unknown-name", "không có trong dữ liệu", 1),
        (["--period", "Q3", "--evidence-annex", "minh-chung.csv"], None, "đuôi .xlsx", 1),
        (["--period", "Q3", "--signer", "chairman"], None, "invalid choice", 2),
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
    assert q3.counts.shares == q3.counts.done + q3.counts.in_progress + q3.counts.blocked + q3.counts.not_started
    year = await app.reports.draft("Y", 2022)
    assert year.counts.done == 4 and year.counts.blocked == 2
    area7 = next(a for a in year.areas if a.plan_number == 7)
    y71 = next(t for t in area7.targets if t.code == "7.1")  # no annual figure: the year's latest, labelled
    assert (y71.figure, y71.period_label, y71.verdict) == ("99%", "số liệu Quý III", "chưa đạt")
    q3_71 = next(t for t in next(a for a in q3.areas if a.plan_number == 7).targets if t.code == "7.1")
    assert (q3_71.figure, q3_71.verdict, q3_71.late_figure) == ("97%", "chưa đạt", "99%")


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
    assert 3 <= pages <= 20
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595", data)  # A4 width in points
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        for heading in ("I. CÔNG TÁC CHỈ ĐẠO", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG",
                        "V. KIẾN NGHỊ", "BIỂU SỐ LIỆU"):
            assert heading in text
        assert "Nhiệm vụ 37" in text and "20/12/2022" in text and "{{" not in text and "{%" not in text


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
        done = [c.task for a in [draft.direction, *draft.areas] for c in a.done]
        assert done == [3]
        area7 = next(a for a in draft.areas if a.plan_number == 7)
        assert next(t for t in area7.targets if t.code == "7.1").figure == "97%"
    finally:
        await application.close()
