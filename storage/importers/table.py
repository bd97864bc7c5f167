"""Collecting appendix rows from a real table (Word, Excel), shared by `word` and `excel`.

A table format has no page breaks to undo, but people still copy the header row onto every page, split
a long table into several, put the total in the last row and merge cells. This collector applies the
same conventions as the text reader, so that `assemble` sees the same `Row`s whichever format the
department sent:

- a header row says which column is which (`header_map`): the columns may come in any order and be
  named as other templates name them («Nội dung», «Kết quả / sản phẩm», «Cơ quan chủ trì», «Thời gian
  thực hiện», «Tiến độ»); «Sản phẩm» and «Phối hợp» may be missing, «Ghi chú» is read past; a header
  without STT, the task, the lead or the deadline column stops the import and says which is missing;
- a repeated header row (or the start of a further table) marks a break: a row without STT right after
  it continues the previous row, exactly like a row split by a page break in the text;
- a column-number row ("1 2 3 4 5 6", "(1) ... (6)") under the header is skipped;
- "TỔNG SỐ: N NHIỆM VỤ" (in a row or a paragraph after the table) gives the total; any task row after
  it is an error, because rows after a total are the sign of two plans pasted together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.plan import PlanFormatError
from domain.text import fold
from storage.importers.source import COLUMNS, PlanSource, Row

# How templates name each column (folded), tried in this order; the first that a header cell contains wins.
# «Thời gian thực hiện» is the deadline, so "thoi gian" is tried before "thuc hien" could mean the lead.
HEADER_NAMES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("stt", "so tt", "so thu tu", "tt")),
    (5, ("thoi gian", "thoi han", "tien do", "moc thoi gian", "han hoan thanh")),
    (4, ("phoi hop",)),
    (3, ("chu tri", "don vi thuc hien", "co quan thuc hien", "don vi thuc hien")),
    (2, ("san pham", "ket qua", "hinh thuc")),
    (1, ("nhiem vu", "noi dung", "cong viec", "ten hoat dong", "hoat dong")),
)
IGNORED = ("ghi chu", "kinh phi", "nguon kinh phi")
REQUIRED = (0, 1, 3, 5)
_TOTAL = re.compile(r"^tong so (\d+) nhiem vu$")
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")


def column_of(cell: str) -> int | None:
    """The plan column (index in `COLUMNS`) a header cell names, -1 for a known column that is read
    past (Ghi chú), None for text that is no column name."""
    folded = fold(cell)
    if not folded:
        return None
    if folded in ("stt", "tt", "so tt", "so thu tu"):
        return 0
    for index, names in HEADER_NAMES[1:]:
        if any(name in folded for name in names):
            return index
    if any(name in folded for name in IGNORED):
        return -1
    return None


def is_header(cells: list[str]) -> bool:
    """A header row: an STT cell and at least two more cells naming plan columns."""
    columns = [column_of(c) for c in cells]
    return 0 in columns and sum(1 for c in columns if c is not None and c > 0) >= 2


def match_total(text: str) -> int | None:
    found = _TOTAL.match(fold(text))
    return int(found.group(1)) if found else None


def header_map(cells: list[str], where: str) -> list[int | None]:
    """For each plan column (`COLUMNS` order), the index of the physical column that holds it."""
    mapping: list[int | None] = [None] * len(COLUMNS)
    for physical, cell in enumerate(cells):
        column = column_of(cell)
        if column is None or column < 0:
            continue
        taken = mapping[column]
        if taken is not None:
            raise PlanFormatError(
                f"dòng tiêu đề bảng có hai cột «{COLUMNS[column]}» («{cells[taken].strip()}» và "
                f"«{cell.strip()}»); hãy giữ một cột",
                where=where,
            )
        mapping[column] = physical
    missing = [COLUMNS[i] for i in REQUIRED if mapping[i] is None]
    if missing:
        raise PlanFormatError(
            f"dòng tiêu đề bảng thiếu cột {', '.join(f'«{m}»' for m in missing)} "
            f"(cần ít nhất: {', '.join(COLUMNS[i] for i in REQUIRED)})",
            where=where,
        )
    return mapping


def check_header(cells: list[str], where: str) -> None:
    """The header must name the plan's columns (in any order); see `header_map`."""
    header_map(cells, where)


@dataclass
class TableCollector:
    """Accumulates the appendix rows of a table document into a `PlanSource`."""

    rows: list[Row] = field(default_factory=list)
    total: int | None = None
    total_where: str | None = None
    header_seen: bool = False
    columns: list[int | None] = field(default_factory=list)  # plan column → physical column
    width: int = 0
    _after_break: bool = False

    def mark_break(self) -> None:
        """A new page/table: the next row without STT continues the previous one."""
        self._after_break = True

    def add(self, cells: list[str], where: str, merged_down: frozenset[int] = frozenset()) -> None:
        """One table row, already expanded to grid columns; `merged_down`: the physical columns whose
        text a vertical merge repeated from the row above (STT and Nhiệm vụ of a merged task belong to
        its first row only; the other columns apply to every row the merge covers)."""
        cells = [c.strip() for c in cells]
        while len(cells) > max(self.width, len(COLUMNS)) and not cells[-1]:
            cells.pop()
        if not any(cells):
            return
        total = match_total(" ".join(c for c in cells if c))
        if total is not None:
            self.found_total(total, where)
            return
        if is_header(cells):
            self.columns, self.width = header_map(cells, where), len(cells)
            self.header_seen = True
            self.mark_break()
            return
        if not self.header_seen:
            raise PlanFormatError(f"bảng phụ lục phải bắt đầu bằng dòng tiêu đề ({', '.join(COLUMNS)})", where=where)
        if all(_COLUMN_NUMBERS.match(c) for c in cells if c) and len([c for c in cells if c]) >= 3:
            return  # the column-number row "1 2 3 4 5 6" / "(1) … (6)" under the header
        if self.total is not None:
            raise PlanFormatError(
                f"còn hàng nhiệm vụ sau dòng «TỔNG SỐ: {self.total} NHIỆM VỤ» ({self.total_where}); "
                "dòng tổng phải là hàng cuối của bảng",
                where=where,
            )
        if len(cells) != self.width:
            raise PlanFormatError(
                f"hàng bảng có {len(cells)} cột, dòng tiêu đề có {self.width} cột", where=where
            )
        ordered = [
            "" if physical is None or (plan_column < 2 and physical in merged_down) else cells[physical]
            for plan_column, physical in enumerate(self.columns)
        ]
        self.rows.append(Row(where=where, cells=ordered, continued=self._after_break))
        self._after_break = False

    def found_total(self, total: int, where: str) -> None:
        if self.total is not None and self.total != total:
            raise PlanFormatError(
                f"hai dòng tổng khác nhau: {self.total} ({self.total_where}) và {total} nhiệm vụ", where=where
            )
        self.total, self.total_where = total, where

    def source(self, narrative: list[str], *, what: str) -> PlanSource:
        if not self.header_seen:
            raise PlanFormatError(
                f"không thấy bảng phụ lục nhiệm vụ trong {what} (dòng tiêu đề: {', '.join(COLUMNS)})"
            )
        return PlanSource(
            narrative=narrative,
            rows=self.rows,
            total=self.total,
            total_where=self.total_where,
            require_total=False,
        )
