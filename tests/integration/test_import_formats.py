"""The same plan as .docx and .xlsx imports exactly like the text; damaged files fail cleanly.

The Word and Excel fixtures are built here from the text's own rows (see `tests/fixtures_plans.py`),
in two shapes: as a PDF→Word/Excel conversion leaves it (repeated headers, rows split by page breaks)
and as an author builds it (merged cells, bullets as paragraphs / Word list items, line breaks).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.bootstrap import build_app
from bot.settings import DEFAULTS
from domain.plan import PlanFormatError
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from storage.importers import parse_plan_file
from storage.importers.source import COLUMNS
from tests.conftest import SEED, make_settings
from tests.fixtures_plans import write_docx, write_xlsx

UNITS = UnitDirectory.load(DEFAULTS / "units.yaml")
CALENDAR = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")


def parse(path: Path, **kwargs):
    return parse_plan_file(path, UNITS, CALENDAR, **kwargs)


@pytest.fixture(scope="module")
def text_plan():
    return parse(SEED)


BUILDERS = {
    "docx-natural": lambda p: write_docx(p / "plan.docx"),
    "docx-extracted": lambda p: write_docx(p / "plan.docx", shape="extracted"),
    "xlsx-natural": lambda p: write_xlsx(p / "plan.xlsx"),
    "xlsx-extracted": lambda p: write_xlsx(p / "plan.xlsx", shape="extracted"),
}


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_same_plan_as_the_text(tmp_path, text_plan, kind):
    plan = parse(BUILDERS[kind](tmp_path))
    assert plan.title == text_plan.title
    assert plan.sections == text_plan.sections  # targets included (Word narrative / sheet "Kế hoạch")
    for got, expected in zip(plan.tasks, text_plan.tasks, strict=True):
        assert got == expected, f"task {expected.number}"
    assert plan == text_plan


@pytest.mark.parametrize("kind", ["docx-natural", "xlsx-natural"])
async def test_same_dump_as_the_text_through_the_database(tmp_path, kind):
    dumps = []
    for source in (SEED, BUILDERS[kind](tmp_path)):
        app = await build_app(make_settings(tmp_path / source.suffix.lstrip(".")))
        try:
            result = await app.plans.import_plan(source)
            assert (result.tasks, result.assignments) == (59, 61)
            dumps.append(await app.plans.dump())
        finally:
            await app.close()
    assert dumps[0] == dumps[1]


@pytest.mark.parametrize("kind", ["docx-natural", "xlsx-natural"])
def test_year_option_rebases_word_and_excel_too(tmp_path, kind):
    plan = parse(BUILDERS[kind](tmp_path), year=2026)
    assert plan.title.endswith("năm 2026")
    assert plan.tasks[2].assignments[0].milestones[0].due.isoformat() == "2026-09-30"


# -- Word specifics ---------------------------------------------------------------------------------
def test_docx_without_total_imports_and_a_wrong_total_is_refused(tmp_path, text_plan):
    def drop_total(rows):
        rows.pop()

    assert parse(write_docx(tmp_path / "a.docx", edit=drop_total)) == text_plan

    def wrong_total(rows):
        rows[-1][0] = "TỔNG SỐ: 60 NHIỆM VỤ"

    # header + 7 section rows + 59 task rows + task 1's second row = 68 rows, the total is row 69
    with pytest.raises(PlanFormatError, match=r"bảng 2, hàng 69: dòng tổng ghi 60 nhiệm vụ nhưng bảng có 59"):
        parse(write_docx(tmp_path / "b.docx", edit=wrong_total))


def test_docx_error_names_table_and_row(tmp_path):
    def no_lead(rows):  # (an unknown unit no longer stops the import; a row without any lead does)
        task3 = next(r for r in rows if r[0] == "3")
        task3[3] = ""

    # table 1 is the heading layout table; in table 2: header, I, task 1, its second row, task 2, task 3
    with pytest.raises(PlanFormatError, match=r"^bảng 2, hàng 6: nhiệm vụ 3: thiếu đơn vị chủ trì"):
        parse(write_docx(tmp_path / "a.docx", edit=no_lead))


def test_docx_with_swapped_columns_reads_them_by_their_header(tmp_path, text_plan):
    """The header says which column is which: «phối hợp» before «chủ trì» is read the same plan."""

    def swap(rows):
        for row in rows:
            row[3], row[4] = row[4], row[3]

    assert parse(write_docx(tmp_path / "a.docx", edit=swap)).tasks == text_plan.tasks


def test_docx_header_without_the_lead_column_is_refused(tmp_path):
    def drop_lead_name(rows):
        for row in rows:
            if row[0] == "STT":
                row[3] = "Cột 4"

    with pytest.raises(PlanFormatError, match=r"bảng 2, hàng 1: dòng tiêu đề bảng thiếu cột «Đơn vị chủ trì»"):
        parse(write_docx(tmp_path / "a.docx", edit=drop_lead_name))


def test_docx_rows_after_the_total_are_refused(tmp_path):
    def append_after_total(rows):
        rows.append(["60", "Nhiệm vụ thêm", "Sản phẩm", "Văn phòng Sở", "", "Cả năm"])

    with pytest.raises(PlanFormatError, match=r"bảng 2, hàng 70: còn hàng nhiệm vụ sau dòng «TỔNG SỐ: 59 NHIỆM VỤ»"):
        parse(write_docx(tmp_path / "a.docx", edit=append_after_total))


def test_docx_without_the_appendix_table(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Cải cách hành chính của Sở Công Thương năm 2022")
    path = tmp_path / "plan.docx"
    document.save(path)
    with pytest.raises(PlanFormatError, match=r"không thấy bảng phụ lục nhiệm vụ trong tệp Word «plan\.docx»"):
        parse(path)


# -- Excel specifics --------------------------------------------------------------------------------
def test_xlsx_without_narrative_takes_the_year_from_the_heading(tmp_path, text_plan):
    plan = parse(write_xlsx(tmp_path / "phu-luc.xlsx", narrative_sheet=False))
    assert plan.year == 2022
    assert plan.title == "Kế hoạch cải cách hành chính năm 2022"
    assert plan.issuer == "Sở Công Thương"  # from "(Kèm theo Kế hoạch ... của Sở Công Thương)"
    assert plan.tasks == text_plan.tasks
    assert all(not s.targets for s in plan.sections)


def test_xlsx_with_only_the_table_takes_the_year_from_the_file_name(tmp_path, text_plan):
    plan = parse(write_xlsx(tmp_path / "ke-hoach-cchc-2022.xlsx", narrative_sheet=False, heading=[]))
    assert (plan.year, plan.title) == (2022, "Kế hoạch cải cách hành chính năm 2022")
    assert plan.issuer == UNITS.department
    assert plan.tasks == text_plan.tasks


def test_xlsx_title_cell_above_the_table(tmp_path):
    plan = parse(
        write_xlsx(tmp_path / "x.xlsx", narrative_sheet=False, heading=["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023"])
    )
    assert (plan.year, plan.title) == (2023, "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023")


def test_xlsx_without_any_year_says_where_to_put_it(tmp_path):
    with pytest.raises(PlanFormatError, match=r"không xác định được năm của kế hoạch trong «phu-luc\.xlsx»"):
        parse(write_xlsx(tmp_path / "phu-luc.xlsx", narrative_sheet=False, heading=["Phụ lục"]))


def test_xlsx_data_beyond_the_six_columns_is_refused(tmp_path):
    def note(rows):
        next(r for r in rows if r[0] == "3").append("ghi chú")

    # rows 1–3: heading; 4: header; 5: I; 6–7: task 1; 8: task 2; 9: task 3
    with pytest.raises(PlanFormatError, match=r"trang «Phụ lục», hàng 9: có dữ liệu «ghi chú» ở cột G, ngoài 6 cột"):
        parse(write_xlsx(tmp_path / "x.xlsx", edit=note))


def test_xlsx_wrong_total_is_refused(tmp_path):
    def wrong_total(rows):
        rows[-1] = ["TỔNG SỐ: 58 NHIỆM VỤ"]

    with pytest.raises(PlanFormatError, match=r"trang «Phụ lục», hàng 72: dòng tổng ghi 58 nhiệm vụ"):
        parse(write_xlsx(tmp_path / "x.xlsx", edit=wrong_total))


def test_xlsx_numbering_gap_names_the_row(tmp_path):
    def gap(rows):
        for row in rows:
            if row[0] == "30":
                row[0] = "31"

    # rows 1–3 heading, 4 header; task 30 is in row 4 + 4 sections + 30 tasks + 1 (task 1's second row)
    with pytest.raises(PlanFormatError, match=r"trang «Phụ lục», hàng 39: số thứ tự nhiệm vụ không liên tục: cần 30, gặp 31"):
        parse(write_xlsx(tmp_path / "x.xlsx", edit=gap))


def test_xlsx_cell_values_of_other_types(tmp_path):
    """STT typed as 1.0 and a deadline typed as a real date are read as the text would have them."""
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    sheet.append(["KẾ HOẠCH"])
    sheet.append(["Cải cách hành chính của Sở Công Thương năm 2022"])
    sheet.append(list(COLUMNS))
    sheet.append(["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"])
    sheet.append([1.0, "Nhiệm vụ", "Sản phẩm", "Văn phòng Sở", "Thanh tra Sở", dt.datetime(2022, 4, 15)])
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    plan = parse(path)
    (milestone,) = plan.tasks[0].assignments[0].milestones
    assert (plan.tasks[0].number, milestone.kind, milestone.due.isoformat(), milestone.text) == (
        1, "date", "2022-04-15", "15/04/2022"
    )


# -- damaged files ----------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@pytest.mark.parametrize(
    "content",
    [b"", b"this is not a zip file at all", b"PK\x03\x04garbage", "zip-without-parts"],
    ids=["empty", "text", "broken-zip", "wrong-zip"],
)
def test_damaged_files_give_a_clear_error(tmp_path, suffix, content):
    path = tmp_path / f"plan{suffix}"
    if content == "zip-without-parts":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not an office document")
    else:
        path.write_bytes(content)
    kind = "Word .docx" if suffix == ".docx" else "Excel .xlsx"
    with pytest.raises(PlanFormatError, match=rf"không đọc được «plan\{suffix}» như tệp {kind}"):
        parse(path)


def test_unsupported_extension(tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(PlanFormatError, match="không được hỗ trợ"):
        parse(path)
