"""The Excel workbook of the export (`services/export_service.py` reads, this writes, the cells' words
are `presentation/export_cells.py`): the appendix sheet, the summary, the audit trail and a period's
completions, styled once per workbook. It stands in presentation because every title, sheet name and
event name in it is wording; the bootstrap hands `write_workbook` to the export service.

Imported only when a file is written: openpyxl (and numpy, which it loads when installed) would cost
every bot process a quarter of a second and ~15 MB at start.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import Counter, defaultdict
from collections.abc import Sequence
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from domain.shares import Status
from domain.targets import fmt_value
from domain.units import UnitDirectory
from presentation.export_cells import (
    APPENDIX_HEADERS,
    AUDIT_HEADERS,
    PERIOD_HEADERS,
    PERIOD_TITLES,
    SUMMARY_HEADERS,
    CellValue,
    bullet_list,
    clip,
    evidence_text,
    fmt_time,
    latest_text,
    notes_text,
    per_share,
    status_phrase,
    unit_list,
)
from presentation.names import file_label, status_text
from services.export_service import (
    PERIOD_RANGES,
    AssignmentRow,
    ExportResult,
    ReportData,
    Share,
    TaskRow,
    UpdateRow,
    period_range,
    tally,
)
from services.report_files import save_atomically
from services.review_service import ACCEPTED, RETURNED

SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FILL = PatternFill("solid", fgColor="BDD7EE")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)


# -- writing --------------------------------------------------------------------------------------------
STYLE_SPECS: dict[str, dict[str, Any]] = {
    "body": {"alignment": WRAP, "border": BORDER},
    "body_c": {"alignment": WRAP_CENTER, "border": BORDER},
    "section": {"alignment": WRAP, "border": BORDER, "fill": SECTION_FILL, "font": BOLD},
    "section_c": {"alignment": WRAP_CENTER, "border": BORDER, "fill": SECTION_FILL, "font": BOLD},
    "total": {"alignment": WRAP, "border": BORDER, "fill": TOTAL_FILL, "font": BOLD},
    "total_c": {"alignment": WRAP_CENTER, "border": BORDER, "fill": TOTAL_FILL, "font": BOLD},
    "header": {"alignment": HEADER_ALIGN, "border": BORDER, "fill": HEADER_FILL, "font": BOLD},
    "title": {"alignment": Alignment(horizontal="center"), "font": TITLE_FONT},
    "subtitle": {"alignment": Alignment(horizontal="center"), "font": Font(italic=True)},
    "caption": {"font": BOLD},
}
NUMBER_FORMATS = {"datetime": "dd/mm/yyyy hh:mm", "date": "dd/mm/yyyy", "percent": "0%"}


class Styles:
    """Cell styles registered once per workbook and copied onto cells as arrays of style ids.

    Why: openpyxl hashes the Font/Border/Alignment object on every assignment (a Border hashes its four
    Sides recursively); styling the ~15,000 cells of a year's audit trail that way took seconds — the
    export's whole budget. Copying a ready `StyleArray` costs next to nothing.
    """

    def __init__(self, wb: Workbook) -> None:
        scratch = wb.create_sheet("_styles")
        self.arrays: dict[str, object] = {}
        column = 1
        for name, spec in STYLE_SPECS.items():
            for fmt in (None, *NUMBER_FORMATS):
                cell = scratch.cell(row=1, column=column)
                column += 1
                for attr, value in spec.items():
                    setattr(cell, attr, value)
                if fmt:
                    cell.number_format = NUMBER_FORMATS[fmt]
                self.arrays[f"{name}:{fmt}" if fmt else name] = copy(cell._style)
        wb.remove(scratch)

    @classmethod
    def of(cls, ws: Worksheet) -> Styles:
        wb = ws.parent
        if wb is None:
            raise ValueError("a worksheet outside a workbook")
        styles = _STYLES.get(wb)
        if styles is None:
            styles = _STYLES[wb] = cls(wb)
        return styles

    def apply(self, cell: Cell, name: str, fmt: str | None = None) -> None:
        # openpyxl's StyleArray, copied whole: ten times faster than setting font, border and alignment
        cell._style = copy(self.arrays[f"{name}:{fmt}" if fmt else name])  # type: ignore[attr-defined]


# the styles of each workbook being written (a workbook is written by one thread)
_STYLES: weakref.WeakKeyDictionary[Workbook, Styles] = weakref.WeakKeyDictionary()


def _headers(ws: Worksheet, row: int, headers: Sequence[tuple[str, float]]) -> None:
    styles = Styles.of(ws)
    for col, (name, width) in enumerate(headers, start=1):
        styles.apply(ws.cell(row=row, column=col, value=name), "header")
        ws.column_dimensions[get_column_letter(col)].width = width


def _title(ws: Worksheet, text: str, subtitle: str, columns: int) -> None:
    styles = Styles.of(ws)
    styles.apply(ws.cell(row=1, column=1, value=text), "title")
    styles.apply(ws.cell(row=2, column=1, value=subtitle), "subtitle")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)


def _put(
    ws: Worksheet, row: int, values: Sequence[CellValue], *, center: tuple[int, ...] = (1,), kind: str = "body", formats: dict[int, str] | None = None
) -> None:
    """One bordered, wrapped row; `center` columns centred, `formats` = column → number format key."""
    styles = Styles.of(ws)
    formats = formats or {}
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=clip(value))
        styles.apply(cell, f"{kind}_c" if col in center else kind, formats.get(col))


def _page_setup(ws: Worksheet, header_row: int) -> None:
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _sheet_head(ws: Worksheet, title: str, headers: Sequence[tuple[str, float]], data: ReportData,
                units: UnitDirectory) -> int:
    """Every sheet's head: the title and the scope (rows 1–2), the column headers (row 3, kept on every
    printed page). Returns the number of columns."""
    _title(ws, title, scope_text(data, units), len(headers))
    _headers(ws, 3, headers)
    _page_setup(ws, 3)
    return len(headers)


def scope_text(data: ReportData, units: UnitDirectory) -> str:
    who = units.name(data.unit_id) if data.unit_id else "toàn Sở"
    return f"Phạm vi: {who} — tình trạng cập nhật đến {fmt_time(data.generated_at)}"


def write_appendix(ws: Worksheet, data: ReportData, units: UnitDirectory) -> int:
    ncol = _sheet_head(ws, f"PHỤ LỤC — CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {data.year}", APPENDIX_HEADERS, data, units)
    row = 4
    by_section: dict[int, list[TaskRow]] = defaultdict(list)
    for task in data.tasks:
        by_section[task.section].append(task)
    for number, roman, title in data.sections:
        tasks = by_section.get(number, [])
        if data.unit_id is not None and not tasks:
            continue
        _put(ws, row, [roman, title, *[None] * (ncol - 2)], kind="section")
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=ncol)
        row += 1
        for task in tasks:
            first = row
            for a in task.assignments:
                _put(
                    ws, row,
                    [
                        task.number if row == first else None,
                        task.title if row == first else None,
                        bullet_list(a.products),
                        unit_list(units, a.lead),
                        unit_list(units, a.coordinating, a.external),
                        a.deadline_text,
                        per_share(units, a.shares, status_phrase, skip_empty=False),
                        per_share(units, a.shares, latest_text),
                        per_share(units, a.shares, lambda s: evidence_text(s.evidence)),
                        notes_text(units, a),
                    ],
                )
                row += 1
            if row - first > 1:
                ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
                ws.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
    return row - 4


SUMMARY_KEYS = (
    "total", Status.DONE, "verified", Status.IN_PROGRESS, Status.BLOCKED, "not_started_said", "not_updated", "overdue",
    "done_late",
)


def _summary_row(ws: Worksheet, row: int, stt: int | str | None, name: str, counts: Counter[str], *, kind: str = "body") -> None:
    values: list[CellValue] = [stt, name, *[counts.get(k, 0) for k in SUMMARY_KEYS]]
    total = counts.get("total", 0)
    values.append(counts.get(Status.DONE, 0) / total if total else 0)
    _put(ws, row, values, center=(1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), kind=kind, formats={12: "percent"})


def write_summary(ws: Worksheet, data: ReportData, units: UnitDirectory) -> None:
    _sheet_head(ws, f"TỔNG HỢP TIẾN ĐỘ KẾ HOẠCH CCHC NĂM {data.year}", SUMMARY_HEADERS, data, units)
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    by_section: dict[int, Counter[str]] = defaultdict(Counter)
    for task, _a, share in data.shares():
        tally(by_unit[share.unit_id], share)
        tally(by_section[task.section], share)
    order = {u.id: i for i, u in enumerate(units.units)}
    row = 4
    for i, unit_id in enumerate(sorted(by_unit, key=lambda u: (order.get(u, 999), u)), start=1):
        _summary_row(ws, row, i, units.name(unit_id), by_unit[unit_id])
        row += 1
    _summary_row(ws, row, None, "Toàn Sở", data.department_total, kind="total")
    row += 2
    area_title = "Theo lĩnh vực cải cách" + ("" if data.unit_id is None else f" — {units.name(data.unit_id)}")
    Styles.of(ws).apply(ws.cell(row=row, column=1, value=area_title), "caption")
    row += 1
    _headers(ws, row, (("Mục", 6), ("Lĩnh vực", 40), *SUMMARY_HEADERS[2:]))
    row += 1
    for number, roman, title in data.sections:
        if number in by_section:
            _summary_row(ws, row, roman, title.capitalize(), by_section[number])
            row += 1


AuditEvent = tuple[dt.datetime, int | None, str | None, str, str, str, str | None]


def audit_events(data: ReportData) -> list[AuditEvent]:
    """(when, task, unit, event, content, who, channel) of every change, oldest first."""
    # with (order of kinds at one instant, id) after the instant, for a stable sort
    events: list[tuple[dt.datetime, int, int, int | None, str | None, str, str, str, str | None]] = []
    for u in data.updates:
        what = status_text(u.status, u.percent)
        if u.note:
            what += f" — {u.note}"
        events.append((u.at, 0, u.id, u.task_number, u.unit_id, "Cập nhật tình trạng", what, u.who, u.channel))
    for ev in data.evidence:
        content = file_label(ev) + (f" — {ev.caption}" if ev.caption and ev.caption != file_label(ev) else "")
        content += f" (sha256 {ev.sha256[:12]}…)"
        events.append((ev.created_at, 1, ev.id, ev.task_number, ev.unit_id, "Gửi minh chứng", content,
                       ev.uploader or "?", ev.channel))
        if ev.review_state in (ACCEPTED, RETURNED) and ev.reviewed_at is not None:
            if ev.review_state == ACCEPTED:
                events.append((ev.reviewed_at, 2, ev.id, ev.task_number, ev.unit_id, "Xác nhận minh chứng", file_label(ev),
                               ev.reviewer or "?", None))
            else:
                events.append((ev.reviewed_at, 2, ev.id, ev.task_number, ev.unit_id, "Trả lại minh chứng",
                               f"{file_label(ev)}: {ev.review_comment or ''}", ev.reviewer or "?", None))
    for i, (code, period, value, numerator, denominator, unit, who, at, channel) in enumerate(data.figures):
        what = f"Chỉ tiêu {code} ({PERIOD_TITLES.get(period, period)}): {fmt_value(value)}"
        if denominator:
            what += f" ({numerator}/{denominator})"
        events.append((at, 3, i, None, unit, "Báo số liệu chỉ tiêu", what, who, channel))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return [(at, task, unit, kind, content, who, channel) for at, _, _, task, unit, kind, content, who, channel in events]


def write_audit(ws: Worksheet, data: ReportData, units: UnitDirectory) -> int:
    ncol = _sheet_head(ws, f"LỊCH SỬ CẬP NHẬT KẾ HOẠCH CCHC NĂM {data.year}", AUDIT_HEADERS, data, units)
    row = 4
    for at, task, unit, kind, content, who, channel in audit_events(data):
        _put(ws, row, [at, task, units.name(unit) if unit else None, kind, content, who, channel], center=(2,),
             formats={1: "datetime"})
        row += 1
    ws.auto_filter.ref = f"A3:{get_column_letter(ncol)}{max(row - 1, 3)}"
    return row - 4


def completed_in(data: ReportData, start: dt.date, end: dt.date) -> list[tuple[TaskRow, AssignmentRow, Share, UpdateRow]]:
    """Shares done (as the projection says: the whole task, or every milestone) on a day inside
    [start, end], with the update that finished them."""
    by_lead: dict[int, list[UpdateRow]] = defaultdict(list)
    for u in sorted(data.updates, key=lambda u: u.id):
        by_lead[u.lead_id].append(u)
    found = []
    for task, a, share in data.shares():
        day = share.done_on
        if share.status != Status.DONE or day is None or not start <= day <= end:
            continue
        hit = next((u for u in reversed(by_lead.get(share.lead_id, [])) if u.at.date() == day), None)
        if hit is not None:
            found.append((task, a, share, hit))
    return found


def write_period(ws: Worksheet, data: ReportData, units: UnitDirectory, period: str) -> int:
    start, end = period_range(period, data.year)
    title = f"KẾT QUẢ HOÀN THÀNH {PERIOD_TITLES[period].upper()} NĂM {data.year} ({start:%d/%m}–{end:%d/%m/%Y})"
    ncol = _sheet_head(ws, title, PERIOD_HEADERS, data, units)
    row = 4
    for i, (task, a, share, done) in enumerate(completed_in(data, start, end), start=1):
        notes = [n for n in (f"Phạm vi: {a.scope}" if a.scope else "", done.note or "") if n]
        _put(
            ws, row,
            [
                i, task.number, task.title, bullet_list(a.products), units.name(share.unit_id),
                done.at.date(), done.who, status_phrase(share), evidence_text(share.evidence), "\n".join(notes),
            ],
            center=(1, 2, 6), formats={6: "date"},
        )
        row += 1
    if row == 4:
        _put(ws, row, [None, None, "Không có phần việc nào hoàn thành trong kỳ.", *[None] * (ncol - 3)])
    return row - 4


def write_workbook(data: ReportData, path: Path, units: UnitDirectory, period: str | None = None) -> ExportResult:
    """Build the workbook and save it atomically (a half-written file is never left at `path`)."""
    if period is not None and period not in PERIOD_RANGES:
        raise ValueError(f"kỳ báo cáo không hợp lệ: {period}")
    wb = Workbook()
    appendix = wb.active
    if not isinstance(appendix, Worksheet):
        raise TypeError("a new workbook starts with one worksheet")
    appendix.title = "Phụ lục"
    rows = write_appendix(appendix, data, units)
    write_summary(wb.create_sheet("Tổng hợp"), data, units)
    write_audit(wb.create_sheet("Lịch sử"), data, units)
    period_rows = 0
    if period is not None:
        period_rows = write_period(wb.create_sheet(f"Hoàn thành {PERIOD_TITLES[period]}"[:31]), data, units, period)
    wb.properties.title = f"Kế hoạch CCHC năm {data.year} — tình trạng thực hiện"
    wb.properties.creator = data.issuer or "Trợ lý CCHC"
    save_atomically(path, wb.save)
    return ExportResult(path, len(data.tasks), rows, wb.sheetnames, period_rows, 0.0, 0.0)
