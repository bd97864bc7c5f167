"""Collecting appendix rows from a real table (Word, Excel), shared by `word` and `excel`.

A table format has no page breaks to undo, but people still copy the header row onto every page, split
a long table into several, put the total in the last row and merge cells. This collector applies the
same conventions as the text reader, so that `assemble` sees the same `Row`s whichever format the
department sent:

- a header row (STT, Nhiệm vụ, ...) is checked column by column — a swapped "chủ trì"/"phối hợp"
  column would otherwise assign every task to the wrong units without any error;
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

# What each header cell must contain (folded), in order; "thoi" accepts "Thời gian/Thời hạn hoàn thành".
HEADER_KEYS = ("stt", "nhiem vu", "san pham", "chu tri", "phoi hop", "thoi")
_TOTAL = re.compile(r"^tong so (\d+) nhiem vu$")
_COLUMN_NUMBERS = [[str(i) for i in range(1, len(COLUMNS) + 1)]]


def is_header(cells: list[str]) -> bool:
    """A header row starts with 'STT' (the other columns are checked by `check_header`)."""
    return bool(cells) and fold(cells[0]) == "stt"


def match_total(text: str) -> int | None:
    found = _TOTAL.match(fold(text))
    return int(found.group(1)) if found else None


def check_header(cells: list[str], where: str) -> None:
    """The header must name the six columns in the plan's order."""
    named = [c for c in cells if c.strip()]
    if len(cells) != len(COLUMNS) or len(named) != len(COLUMNS):
        raise PlanFormatError(
            f"dòng tiêu đề bảng có {len(named)} cột, cần đúng {len(COLUMNS)} cột theo thứ tự: {', '.join(COLUMNS)}",
            where=where,
        )
    for index, (cell, key, name) in enumerate(zip(cells, HEADER_KEYS, COLUMNS, strict=True), start=1):
        if key not in fold(cell):
            raise PlanFormatError(
                f"cột {index} của dòng tiêu đề phải là «{name}», gặp «{cell.strip()}» "
                f"(thứ tự cột: {', '.join(COLUMNS)})",
                where=where,
            )


@dataclass
class TableCollector:
    """Accumulates the appendix rows of a table document into a `PlanSource`."""

    rows: list[Row] = field(default_factory=list)
    total: int | None = None
    total_where: str | None = None
    header_seen: bool = False
    _after_break: bool = False

    def mark_break(self) -> None:
        """A new page/table: the next row without STT continues the previous one."""
        self._after_break = True

    def add(self, cells: list[str], where: str) -> None:
        """One table row, already expanded to grid columns (merged cells resolved by the reader)."""
        cells = [c.strip() for c in cells]
        while len(cells) > len(COLUMNS) and not cells[-1]:
            cells.pop()
        if not any(cells):
            return
        total = match_total(" ".join(c for c in cells if c))
        if total is not None:
            self.found_total(total, where)
            return
        if is_header(cells):
            check_header(cells, where)
            self.header_seen = True
            self.mark_break()
            return
        if not self.header_seen:
            raise PlanFormatError(f"bảng phụ lục phải bắt đầu bằng dòng tiêu đề ({', '.join(COLUMNS)})", where=where)
        if [fold(c) for c in cells] in _COLUMN_NUMBERS:
            return
        if self.total is not None:
            raise PlanFormatError(
                f"còn hàng nhiệm vụ sau dòng «TỔNG SỐ: {self.total} NHIỆM VỤ» ({self.total_where}); "
                "dòng tổng phải là hàng cuối của bảng",
                where=where,
            )
        if len(cells) != len(COLUMNS):
            raise PlanFormatError(
                f"hàng bảng có {len(cells)} cột, cần {len(COLUMNS)} cột ({', '.join(COLUMNS)})", where=where
            )
        self.rows.append(Row(where=where, cells=cells, continued=self._after_break))
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
