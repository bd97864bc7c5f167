"""Builders for plan documents used by the importer tests: the seed's rows as .docx / .xlsx, and
malformed or synthetic .txt plans.

The Word and Excel files are built from the text's own rows (`read_text`), so a difference between the
formats' results can only come from the readers, never from a re-typed fixture. Two shapes each:

- ``"extracted"``: the table exactly as the text has it — a header row repeated at every page break and
  the rows split by those breaks (what a department gets when it converts the PDF back to Word/Excel);
- ``"natural"``: what an author builds in Word/Excel — one header, rows whole, task 1's STT and title
  merged down over its two rows, section titles merged across five columns, bullets as separate
  paragraphs (some as Word list items without a typed "- ").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from docx import Document
from openpyxl import Workbook

from storage.importers.source import COLUMNS, Row
from storage.importers.text import is_header, read_text
from tests.conftest import SEED

HTML = re.compile(r"<[^>]+>")
BULLET = re.compile(r"(?:^|(?<=[\s;.]))-\s+")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8-sig")


def seed_narrative() -> list[str]:
    return read_text(seed_text()).narrative


def extracted_table() -> list[list[str]]:
    """The text's table lines (headers included, split rows as split) as cells, up to the total."""
    lines = seed_text().splitlines()
    start = next(i for i, line in enumerate(lines) if is_header(line.split("\t")))
    table: list[list[str]] = []
    for line in lines[start:]:
        if not line.strip():
            continue
        cells = line.split("\t")[: len(COLUMNS)]
        table.append(cells + [""] * (len(COLUMNS) - len(cells)))
        if cells[0].startswith("TỔNG SỐ"):
            break
    return table


def natural_rows() -> list[Row]:
    """The text's rows with page-break continuations merged back into the row they belong to."""
    rows: list[Row] = []
    for row in read_text(seed_text()).rows:
        if row.continued and not row.cells[0].strip() and rows:
            previous = rows[-1]
            previous.cells = [
                f"{a.rstrip()} {b.strip()}".strip() for a, b in zip(previous.cells, row.cells, strict=True)
            ]
        else:
            rows.append(Row(where=row.where, cells=list(row.cells)))
    return rows


def paragraphs_of(cell: str) -> list[str]:
    """A text cell as Word paragraphs: HTML dropped, each "- " bullet its own paragraph."""
    text = " ".join(HTML.sub(" ", cell).split())
    if not text.startswith("-"):
        return [text] if text else []
    return [f"- {part.strip()}" for part in BULLET.split(text) if part.strip()]


# -- Word -------------------------------------------------------------------------------------------
def write_docx(
    path: Path,
    *,
    shape: str = "natural",
    narrative: Iterable[str] | None = None,
    edit: Callable[[list[list[str]]], None] | None = None,
) -> Path:
    """The seed as a Word document; `edit` may change the table rows (header included) in place."""
    document = Document()
    layout = document.add_table(rows=1, cols=2)  # the usual heading block above the plan
    layout.cell(0, 0).text = "UBND TỈNH BÌNH ĐỊNH\nSỞ CÔNG THƯƠNG"
    layout.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    for line in seed_narrative() if narrative is None else narrative:
        document.add_paragraph(line)
    if shape == "extracted":
        table_rows = extracted_table()
        total = table_rows.pop()
        if edit:
            edit(table_rows)
        _word_table(document, table_rows, merge=False)
        document.add_paragraph(total[0])  # the total as a paragraph under the table
    else:
        table_rows = [list(COLUMNS), *(r.cells for r in natural_rows()), ["TỔNG SỐ: 59 NHIỆM VỤ"] + [""] * 5]
        if edit:
            edit(table_rows)
        _word_table(document, table_rows, merge=True)
    document.add_paragraph("Nơi nhận: - Lưu: VT")
    document.save(path)
    return path


def _word_table(document, rows: list[list[str]], *, merge: bool) -> None:
    table = document.add_table(rows=len(rows), cols=len(COLUMNS))
    for r, (row, cells) in enumerate(zip(table.rows, rows, strict=True)):
        for cell, text in zip(row.cells, cells, strict=False):  # (table.cell(r, c) is quadratic)
            paragraphs = paragraphs_of(text)
            cell.text = ""
            for i, paragraph in enumerate(paragraphs):
                target = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                if merge and paragraph.startswith("- ") and r % 2 == 0:
                    target.text = paragraph[2:]  # a Word list item: the marker is not in the text
                    target.style = document.styles["List Bullet"]
                else:
                    target.text = paragraph
    if not merge:
        return
    last = len(COLUMNS) - 1
    for r, cells in enumerate(rows):
        stt = cells[0].strip()
        if stt.startswith("TỔNG SỐ"):  # the total across the whole row
            table.cell(r, 0).merge(table.cell(r, last)).text = stt
        elif stt.isalpha() and stt.isupper() and stt != "STT":  # a section row: title across five columns
            table.cell(r, 1).merge(table.cell(r, last)).text = cells[1]
    for r, cells in enumerate(rows):
        if cells[0].strip() == "1":  # task 1: STT and title merged down over its second row
            for c in (0, 1):
                top = table.cell(r, c)
                text = top.text
                top.merge(table.cell(r + 1, c)).text = text


# -- Excel ------------------------------------------------------------------------------------------
def write_xlsx(
    path: Path,
    *,
    shape: str = "natural",
    narrative_sheet: bool = True,
    heading: Iterable[str] | None = None,
    edit: Callable[[list[list[str]]], None] | None = None,
) -> Path:
    """The seed as a workbook; `edit` may change the table rows (header included) in place."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    heading = list(heading) if heading is not None else [
        "Phụ lục",
        "CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2022",
        "(Kèm theo Kế hoạch số /KH-SCT ngày /12/2021 của Sở Công Thương)",
    ]
    for line in heading:
        sheet.append([line])
    top = len(heading) + 1
    if shape == "extracted":
        rows = [_bullet_lines(cells) for cells in extracted_table()]
    else:
        rows = [list(COLUMNS)] + [_bullet_lines(r.cells) for r in natural_rows()] + [["TỔNG SỐ: 59 NHIỆM VỤ"]]
    if edit:
        edit(rows)
    for offset, cells in enumerate(rows):
        sheet.append([_excel_value(c) for c in cells])
        if shape == "natural" and cells[0] == "1":  # task 1: STT and title merged down
            row = top + offset
            sheet.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
            sheet.merge_cells(start_row=row, start_column=2, end_row=row + 1, end_column=2)
        elif shape == "natural" and cells[0].isalpha() and cells[0].isupper() and not cells[2]:
            row = top + offset
            sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(COLUMNS))
    if narrative_sheet:
        story = workbook.create_sheet("Kế hoạch")
        for line in seed_narrative():
            story.append([line])
    workbook.save(path)
    return path


def _bullet_lines(cells: list[str]) -> list[str]:
    """Cells as an author types them in Excel: bullets on their own lines (Alt+Enter)."""
    return ["\n".join(paragraphs_of(c)) for c in cells]


def _excel_value(text: str) -> object:
    return int(text) if text.isdigit() else text


# -- text -------------------------------------------------------------------------------------------
def edit_seed(tmp_path: Path, name: str, edit) -> Path:
    """A copy of the seed with `edit(lines) -> lines` applied, for malformed-input tests."""
    lines = seed_text().splitlines()
    path = tmp_path / name
    path.write_text("\n".join(edit(list(lines))) + "\n", encoding="utf-8")
    return path


def line_index(lines: list[str], prefix: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(prefix))
