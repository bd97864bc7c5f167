"""The full list of accepted evidence, as an Excel annex to the periodic report (`report draft
--evidence-annex PATH.xlsx`, docs/report.md). The report itself names only a few files per area; this
list is what the province's PAR-index self-assessment asks for: every file the Văn phòng accepted by the
cut-off, with its task, unit, dates, people and checksum. Returned and pending files are never in it.

It stands in presentation because its column titles and sheet name are wording; the report service reads
the rows (`services.report_model.AnnexRow`) and is handed `write_annex` by the bootstrap. openpyxl is
imported here only, and the workbook is written in a worker thread by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from domain.report_period import ReportPeriod
from presentation.periods import TITLES
from services.report_files import save_atomically
from services.report_model import AnnexRow

HEADERS = ("STT", "Lĩnh vực", "Nhiệm vụ", "Tên nhiệm vụ", "Tệp minh chứng", "Đơn vị", "Ngày gửi", "Người gửi",
           "Ngày xác nhận", "Người xác nhận", "Dung lượng (byte)", "SHA-256")
WIDTHS = (6, 9, 9, 50, 40, 30, 12, 22, 13, 22, 12, 66)


def write_annex(rows: Sequence[AnnexRow], rp: ReportPeriod, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Minh chứng"
    sheet.append(list(HEADERS))
    for i, r in enumerate(rows, 1):
        sheet.append([i, r.area, r.task, r.title, r.name, r.unit, r.sent, r.sender, r.accepted, r.reviewer, r.size,
                      r.sha256])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for n, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.title = f"Danh mục minh chứng — báo cáo CCHC {TITLES[rp.period]} năm {rp.year}"
    return save_atomically(out, book.save)
