"""Reader for the plan as an Excel workbook (.xlsx).

Departments keep the appendix in Excel more often than the whole plan, so the workbook layout asks
only for the table and reads the rest when it is there:

- **sheet "Phụ lục"** (or, when no sheet has that name, the first sheet that contains the table): a
  header row naming the plan's columns (STT | Nhiệm vụ | Sản phẩm | Đơn vị chủ trì | Đơn vị phối hợp |
  Thời gian hoàn thành, in any order and under other templates' names: `table.header_map`), starting in
  any column — then the rows exactly as in the
  document: section rows I–VII, task rows, sub-rows without STT (a further assignment of the task),
  repeated header rows, and optionally a last row "TỔNG SỐ: N NHIỆM VỤ" (checked when present);
- **cells above the header** (optional): the heading, e.g. "KẾ HOẠCH" / "Cải cách hành chính của Sở
  Công Thương năm 2022" in A1/A2, or the appendix heading "Phụ lục" / "CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH
  NĂM 2022" / "(Kèm theo Kế hoạch số .../KH-SCT của Sở Công Thương)";
- **sheet "Kế hoạch"** (optional): the narrative, one line per row (the non-empty cells of a row are
  joined; a cell with line breaks gives several lines), as in the text: "KẾ HOẠCH", the plan's name,
  part "II. CHỈ TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP" with "1. ...", "a) Chỉ tiêu" and "- " bullets — this is
  where the sections' targets come from;
- **the plan's name and year**: from sheet "Kế hoạch", else from the heading cells; else the name is
  "Kế hoạch cải cách hành chính năm YYYY" with the year of a heading cell ("... NĂM 2022") or of the
  file name (`ke-hoach-cchc-2022.xlsx`); with no year anywhere the import stops and says where to put it.

Cells: line breaks (Alt+Enter) are spaces, so "- Văn phòng Sở⏎- Trung tâm KC&XTTM: ..." reads like the
text; STT may be a number (1 or 1.0); a deadline typed as a date reads as dd/mm/yyyy; formulas read
their value as last saved by Excel. A cell merged down over a task's sub-rows is handled as in Word
(STT and Nhiệm vụ belong to the first row, the other columns apply to every row it covers). Anything
written to the right of the header's last column is an error — it is usually an unnamed column or a
shifted row, and silently dropping it would lose data (a column named «Ghi chú» is read past).

Errors name the sheet and the row number Excel shows: "trang «Phụ lục», hàng 12".
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.plan import PlanFormatError
from domain.text import fold, nfc
from storage.importers.assemble import find_title
from storage.importers.source import COLUMNS, PlanSource
from storage.importers.table import TableCollector, is_header, match_total

APPENDIX_SHEET = "Phụ lục"
NARRATIVE_SHEET = "Kế hoạch"
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_HEADING_YEAR = re.compile(r"\bnam (20\d{2})\b")  # "... NĂM 2022" (folded)


def read_xlsx(path: str | Path) -> PlanSource:
    path = Path(path)
    workbook = _open(path)
    try:
        sheets = sorted(workbook.worksheets, key=lambda ws: fold(ws.title) != fold(APPENDIX_SHEET))
        for sheet in sheets:
            values = _values(sheet)
            header = _find_header(values)
            if header is not None:
                break
        else:
            raise PlanFormatError(
                f"không thấy bảng phụ lục trong «{path.name}»: cần một trang tính (tên «{APPENDIX_SHEET}») có "
                f"dòng tiêu đề {' | '.join(COLUMNS)}"
            )
        top, left = header
        merged = _apply_merges(sheet, values)
        heading = _lines(values[:top])
        narrative_sheet = next(
            (ws for ws in workbook.worksheets if fold(ws.title) == fold(NARRATIVE_SHEET) and ws is not sheet), None
        )
        narrative = _lines(_values(narrative_sheet)) if narrative_sheet is not None else heading
        collector = TableCollector()
        width = _header_width(values[top], left)
        for index in range(top, len(values)):
            down = frozenset(c - left for c in merged.get(index, ()))
            _add_row(collector, sheet.title, values[index], index + 1, left, width, down)
        source = collector.source(narrative, what=f"trang «{sheet.title}» của «{path.name}»")
    finally:
        workbook.close()
    if find_title(narrative) is None:
        source.extra.update(_title_without_narrative(heading, path))
    return source


def _open(path: Path):
    try:
        return load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for damaged files
        raise PlanFormatError(
            f"không đọc được «{path.name}» như tệp Excel .xlsx (tệp hỏng, hoặc là .xls cũ / định dạng khác — "
            f"hãy mở bằng Excel và lưu lại dạng .xlsx): {type(exc).__name__}"
        ) from exc


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return str(value)


def _values(sheet: Worksheet) -> list[list[str]]:
    return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _find_header(values: list[list[str]]) -> tuple[int, int] | None:
    """(row index, column index of its first filled cell) of the header row (`table.is_header`)."""
    for r, row in enumerate(values):
        filled = [c for c, value in enumerate(row) if value.strip()]
        if filled and is_header(row):
            return r, filled[0]
    return None


def _header_width(header: list[str], left: int) -> int:
    """The table's columns: from the header's first filled cell to its last."""
    last = max(c for c, value in enumerate(header) if value.strip())
    return last - left + 1


def _apply_merges(sheet: Worksheet, values: list[list[str]]) -> dict[int, set[int]]:
    """Repeat a vertically merged cell's text in the lower rows; → row index → the columns so filled
    (the collector keeps the repeat only for the columns a merge applies to)."""
    filled: dict[int, set[int]] = {}
    for merged in sheet.merged_cells.ranges:
        column = merged.min_col - 1
        text = values[merged.min_row - 1][column]
        for row in range(merged.min_row, merged.max_row):
            values[row][column] = text
            filled.setdefault(row, set()).add(column)
    return filled


def _lines(rows: list[list[str]]) -> list[str]:
    lines: list[str] = []
    for row in rows:
        text = " ".join(v for v in row if v.strip())
        lines.extend(text.splitlines())
    return lines


def _add_row(
    collector: TableCollector, sheet: str, row: list[str], number: int, left: int, width: int, down: frozenset[int]
) -> None:
    where = f"trang «{sheet}», hàng {number}"
    cells = [" ".join(v.split()) for v in row[left : left + width]]
    cells += [""] * (width - len(cells))
    if match_total(" ".join(c for c in cells if c)) is None:
        for offset, value in enumerate(row[left + width :], start=left + width + 1):
            if value.strip():
                raise PlanFormatError(
                    f"có dữ liệu «{nfc(value)[:40]}» ở cột {get_column_letter(offset)}, ngoài {width} cột "
                    f"của bảng (các cột có tên ở dòng tiêu đề)",
                    where=where,
                )
    collector.add(cells, where, down)


def _title_without_narrative(heading: list[str], path: Path) -> dict[str, str]:
    """Name the plan from the appendix heading or the file name when the workbook has no narrative."""
    year = next((m.group(1) for line in heading if (m := _HEADING_YEAR.search(fold(line)))), None)
    if year is None and (in_name := _YEAR.search(path.stem)):
        year = in_name.group(1)
    if year is None:
        raise PlanFormatError(
            f"không xác định được năm của kế hoạch trong «{path.name}»: ghi tên kế hoạch (vd. «KẾ HOẠCH» rồi "
            f"«Cải cách hành chính của Sở Công Thương năm 2022») vào các ô phía trên dòng tiêu đề của trang "
            f"«{APPENDIX_SHEET}» hoặc vào trang «{NARRATIVE_SHEET}», hoặc đặt năm vào tên tệp "
            "(vd. ke-hoach-cchc-2022.xlsx)"
        )
    extra = {"title": f"Kế hoạch cải cách hành chính năm {year}"}
    for line in heading:
        issuer = re.search(r"\bcủa\s+(.+?)\)?\s*$", nfc(line))
        if issuer and "kem theo ke hoach" in fold(line):
            extra["issuer"] = issuer.group(1).strip()
    return extra
