"""Reader for the plan's plain-text extraction (`ke-hoach-cchc-2022.txt`).

The extraction keeps the Word table as tab-separated lines, repeats the header row at every page
break, and splits a row that crosses a page into two lines; HTML list fragments survive from the
converter. This reader only undoes the extraction — all meaning is assigned in `assemble`.
"""

from __future__ import annotations

import re

from domain.plan import PlanFormatError
from domain.text import fold
from storage.importers.source import COLUMNS, PlanSource, Row

_TOTAL = re.compile(r"^tong so (\d+) nhiem vu$")


def is_header(cells: list[str]) -> bool:
    return bool(cells) and fold(cells[0]) == "stt" and len(cells) >= 3


def read_text(content: str) -> PlanSource:
    lines = content.splitlines()
    start = next((i for i, line in enumerate(lines) if is_header(line.split("\t"))), None)
    if start is None:
        raise PlanFormatError(
            "không thấy bảng phụ lục nhiệm vụ (dòng tiêu đề 'STT<tab>Nhiệm vụ<tab>...' với "
            f"{len(COLUMNS)} cột)"
        )
    source = PlanSource(narrative=lines[:start], rows=[])
    after_header = False
    for index in range(start, len(lines)):
        line = lines[index]
        where = f"dòng {index + 1}"
        if not line.strip():
            continue
        if total := _TOTAL.match(fold(line)):
            source.total, source.total_where = int(total.group(1)), where
            break
        cells = line.split("\t")
        if is_header(cells):
            after_header = True
            continue
        if len(cells) > len(COLUMNS) and all(not c.strip() for c in cells[len(COLUMNS) :]):
            cells = cells[: len(COLUMNS)]
        if len(cells) != len(COLUMNS):
            raise PlanFormatError(
                f"hàng bảng có {len(cells)} cột, cần {len(COLUMNS)} cột ({', '.join(COLUMNS)})", where=where
            )
        source.rows.append(Row(where=where, cells=cells, continued=after_header))
        after_header = False
    return source
