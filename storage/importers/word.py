"""Reader for the plan as a Word document (.docx): the narrative, then the appendix as a table.

What is read, in document order:

- **narrative**: every paragraph before the first appendix table (and the text of layout tables before
  it, e.g. the "SỞ CÔNG THƯƠNG / CỘNG HÒA XÃ HỘI..." header), one line per paragraph or line break —
  the same lines as the text extraction: "KẾ HOẠCH", the plan's name, part "II. CHỈ TIÊU, NHIỆM VỤ VÀ
  GIẢI PHÁP" with "1. ...", "a) Chỉ tiêu" and "- " bullets;
- **appendix**: a table whose first row is a header naming the plan's columns (STT | Nhiệm vụ | Sản phẩm |
  Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành, in any order and under other templates' names:
  `table.header_map`); further tables as wide continue it (a table split per page). Section rows I–VII, sub-rows without STT, repeated header rows are read as in the
  text (see `table.TableCollector`);
- a cell's paragraphs are joined with spaces; a paragraph that starts with "- " (or is a Word bulleted
  list item, or starts with "•"/"–") stays a "- " bullet, so "- Văn phòng Sở" / "- Trung tâm
  KC&XTTM: ..." in one cell read like the text's "- Văn phòng Sở - Trung tâm KC&XTTM: ...";
- merged cells: a cell spanning columns counts once (section rows "I | CÔNG TÁC ..." spanning five
  columns); a cell merged down over a task's sub-rows leaves STT and Nhiệm vụ empty in the lower rows
  (they are the same task) and repeats products, units and deadline (they apply to both rows) —
  whichever physical column holds them;
- the total "TỔNG SỐ: N NHIỆM VỤ" may be the table's last row or a paragraph after it; it is optional
  here (checked when present).

Errors name the table and row as Word shows them: "bảng 2, hàng 7" counts every table from the top of
the document and every row from the top of that table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from domain.plan import PlanFormatError
from domain.text import nfc
from storage.importers.source import PlanSource
from storage.importers.table import TableCollector, is_header, match_total

# What Word users type or paste instead of "- " (the last is the Symbol-font bullet of pasted lists).
_BULLET_MARKS = ("•", "–", "—", "·", "\uf0b7")


def read_docx(path: str | Path) -> PlanSource:
    path = Path(path)
    document = _open(path)
    narrative: list[str] = []
    collector = TableCollector()
    table_number = 0
    in_appendix = False
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text
            if not in_appendix:
                narrative.extend(text.splitlines() or [""])
            else:
                _paragraph_after_table(collector, text, table_number)
            continue
        table_number += 1
        grid, merged = _grid(block)
        is_appendix = bool(grid) and is_header(grid[0])
        continues = in_appendix and bool(grid) and len(grid[0]) == collector.width
        if not (is_appendix or continues):
            if not in_appendix:  # a layout table above the plan: its text is part of the heading
                narrative.extend(line for row in grid for cell in row for line in cell.splitlines() if cell)
            continue
        in_appendix = True
        collector.mark_break()
        for row_number, (cells, down) in enumerate(zip(grid, merged, strict=True), start=1):
            collector.add(cells, f"bảng {table_number}, hàng {row_number}", down)
    return collector.source(narrative, what=f"tệp Word «{path.name}»")


def _open(path: Path):
    try:
        return Document(str(path))
    except Exception as exc:  # python-docx raises zipfile/KeyError/lxml errors for damaged files
        raise PlanFormatError(
            f"không đọc được «{path.name}» như tệp Word .docx (tệp hỏng, hoặc là .doc cũ / định dạng khác — "
            f"hãy mở bằng Word và lưu lại dạng .docx): {type(exc).__name__}"
        ) from exc


def _paragraph_after_table(collector: TableCollector, text: str, table_number: int) -> None:
    total = match_total(text)
    if total is not None:
        collector.found_total(total, f"đoạn văn sau bảng {table_number}")


def _grid(table: Table) -> tuple[list[list[str]], list[frozenset[int]]]:
    """The table as rows of grid-column texts, with merged cells resolved (see the module docstring):
    a cell a vertical merge continues repeats the text above, and its column is named in the row's set
    (the collector keeps it only for the columns a merge applies to)."""
    rows: list[list[str]] = []
    merged: list[frozenset[int]] = []
    above: dict[int, str] = {}  # grid column → text of the cell that a vertical merge continues
    for tr in table._tbl.tr_lst:
        cells: list[str] = [""] * getattr(tr, "grid_before", 0)  # (python-docx >= 1.1.1)
        down: set[int] = set()
        for tc in tr.tc_lst:
            column = len(cells)
            if tc.vMerge == "continue":
                text = above.get(column, "")
                down.add(column)
            else:
                text = _cell_text(_Cell(tc, table))
                above[column] = text
            cells.append(text)
            cells.extend([""] * (tc.grid_span - 1))
        cells.extend([""] * getattr(tr, "grid_after", 0))
        rows.append(cells)
        merged.append(frozenset(down))
    return rows, merged


def _cell_text(cell: _Cell) -> str:
    return " ".join(_paragraph_lines(cell))


def _paragraph_lines(cell: _Cell) -> Iterator[str]:
    for paragraph in cell.paragraphs:
        text = nfc(paragraph.text)
        if not text:
            continue
        for mark in _BULLET_MARKS:
            if text.startswith(mark):
                text = "- " + text[len(mark) :].lstrip()
                break
        if not text.startswith("-") and _is_list_item(paragraph):
            text = "- " + text
        yield text


def _is_list_item(paragraph: Paragraph) -> bool:
    """A Word bulleted/numbered list paragraph (its marker is not part of `paragraph.text`)."""
    ppr = paragraph._p.pPr
    if ppr is None:
        return False
    if ppr.find(qn("w:numPr")) is not None:
        return True
    if ppr.pStyle is None:  # the default paragraph style; looking it up is slow and it is never a list
        return False
    style = paragraph.style
    return bool(style is not None and (style.name or "").lower().startswith("list bullet"))
