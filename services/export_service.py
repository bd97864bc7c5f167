"""The plan's appendix as a live Excel report — the table the Văn phòng pastes into the quarterly CCHC
report, filled in from the statuses and evidence the units sent through chat.

Layout, sheet «Phụ lục»: the appendix's own columns (STT, Nhiệm vụ, Sản phẩm, Đơn vị chủ trì, Đơn vị
phối hợp, Thời gian hoàn thành), its section rows I–VII and one row per row of the source table (a
task with two assignments has two rows, STT and Nhiệm vụ merged over them), followed by Tình trạng
(one line per lead unit), Cập nhật lần cuối (who, when), Minh chứng (count and file names) and Ghi chú.
Further sheets: «Tổng hợp» (counts per unit and per reform area), «Lịch sử» (every status change,
evidence upload and review — the audit trail) and, for a period, «Hoàn thành …» (what reached `done`
inside the period's dates of the plan year, with its evidence: the raw material of the report).

Reading and writing are split: `load()` is async and reads everything in four queries; `write()` is
plain openpyxl and runs in a worker thread, so a chat export never blocks the bot's event loop.

Scope: the whole department, or one unit (heads and officers export only their own unit's shares —
they may see the plan's public columns of a task, not another unit's status, evidence or notes).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.reminders import before_plan
from domain.shares import Status, share_overdue
from domain.targets import fmt_value
from domain.units import UnitDirectory
from services.query_service import NoPlan
from services.review_service import (
    ACCEPTED,
    PENDING,
    RETURNED,
    STATE_NAMES,
    EvidenceView,
    Verification,
    evidence_view,
)
from services.views import status_text
from storage.uow import UnitOfWorkFactory

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_RANGES = {
    "Q1": ((1, 1), (3, 31)),
    "Q2": ((4, 1), (6, 30)),
    "H1": ((1, 1), (6, 30)),
    "Q3": ((7, 1), (9, 30)),
    "Y": ((1, 1), (12, 31)),
}
PERIOD_TITLES = {"Q1": "Quý I", "Q2": "Quý II", "H1": "6 tháng đầu năm", "Q3": "Quý III", "Y": "cả năm"}
APPENDIX_HEADERS = (
    ("STT", 6),
    ("Nhiệm vụ", 42),
    ("Sản phẩm", 44),
    ("Đơn vị chủ trì", 22),
    ("Đơn vị phối hợp", 24),
    ("Thời gian hoàn thành", 24),
    ("Tình trạng", 32),
    ("Cập nhật lần cuối", 24),
    ("Minh chứng", 34),
    ("Ghi chú", 32),
)
SUMMARY_HEADERS = (
    ("STT", 6),
    ("Đơn vị", 40),
    ("Số phần việc", 12),
    ("Hoàn thành", 12),
    ("Trong đó đã xác nhận", 14),
    ("Đang thực hiện", 13),
    ("Vướng mắc", 11),
    ("Chưa thực hiện", 13),
    ("Trễ hạn", 10),
    ("Tỷ lệ hoàn thành", 12),
)
AUDIT_HEADERS = (
    ("Thời điểm", 17),
    ("NV", 6),
    ("Đơn vị", 30),
    ("Sự kiện", 22),
    ("Nội dung", 60),
    ("Người thực hiện", 24),
    ("Kênh", 10),
)
PERIOD_HEADERS = (
    ("STT", 6),
    ("NV", 6),
    ("Nhiệm vụ", 42),
    ("Sản phẩm", 40),
    ("Đơn vị chủ trì", 26),
    ("Ngày hoàn thành", 14),
    ("Người cập nhật", 22),
    ("Tình trạng hiện nay", 28),
    ("Minh chứng", 40),
    ("Ghi chú", 30),
)
CELL_LIMIT = 32000  # Excel refuses cells over 32,767 characters

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


# -- read model -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UpdateRow:
    id: int
    lead_id: int
    unit_id: str
    task_number: int
    status: str
    percent: int | None
    note: str | None
    at: dt.datetime  # local time
    who: str
    channel: str


@dataclass
class Share:
    """One lead unit's share of one assignment, with what the report says about it."""

    lead_id: int
    unit_id: str
    status: str
    percent: int | None
    overdue: bool
    verification: Verification
    latest: UpdateRow | None
    evidence: list[EvidenceView] = field(default_factory=list)


@dataclass
class AssignmentRow:
    position: int
    lead: list[str]
    coordinating: list[str]
    external: list[str]
    products: list[str]
    scope: str | None
    deadline_text: str
    shares: list[Share]


@dataclass
class TaskRow:
    number: int
    section: int
    title: str
    assignments: list[AssignmentRow]


@dataclass
class ReportData:
    year: int
    title: str
    issuer: str
    generated_at: dt.datetime
    unit_id: str | None  # None = the whole department
    sections: list[tuple[int, str, str]]
    tasks: list[TaskRow]
    updates: list[UpdateRow]  # in scope, oldest first
    evidence: list[EvidenceView]  # in scope, oldest first
    department_total: Counter = field(default_factory=Counter)  # always the whole department
    # Target figures reported in scope (code, period, value, numerator, denominator, unit, who, at, channel).
    figures: list[tuple] = field(default_factory=list)

    def shares(self) -> Iterable[tuple[TaskRow, AssignmentRow, Share]]:
        for task in self.tasks:
            for a in task.assignments:
                for share in a.shares:
                    yield task, a, share


@dataclass
class ExportResult:
    path: Path
    tasks: int
    rows: int
    sheets: list[str]
    period_rows: int
    load_seconds: float
    write_seconds: float


def period_range(period: str, year: int) -> tuple[dt.date, dt.date]:
    (m1, d1), (m2, d2) = PERIOD_RANGES[period]
    return dt.date(year, m1, d1), dt.date(year, m2, d2)


def tally(counter: Counter, share: Share) -> None:
    counter["total"] += 1
    counter[share.status] += 1
    if share.overdue:
        counter["overdue"] += 1
    if share.verification.verified(share.status):
        counter["verified"] += 1


class ExportService:
    def __init__(self, uow: UnitOfWorkFactory, units: UnitDirectory, tz: ZoneInfo) -> None:
        self.uow = uow
        self.units = units
        self.tz = tz


    def local(self, at: dt.datetime) -> dt.datetime:
        """Aware times are converted; naive ones (SQLite drops the offset) are already local wall time,
        which is how the status service writes them."""
        return at.astimezone(self.tz).replace(tzinfo=None) if at.tzinfo else at

    def _localised(self, ev: EvidenceView) -> EvidenceView:
        return replace(
            ev, created_at=self.local(ev.created_at),
            reviewed_at=self.local(ev.reviewed_at) if ev.reviewed_at else None,
        )

    async def export(
        self, path: Path, *, now: dt.datetime, unit_id: str | None = None, period: str | None = None
    ) -> ExportResult:
        started = time.perf_counter()
        data = await self.load(now=now, unit_id=unit_id)
        loaded = time.perf_counter()
        result = await asyncio.to_thread(write_workbook, data, Path(path), self.units, period)
        result.load_seconds = loaded - started
        result.write_seconds = time.perf_counter() - loaded
        return result

    async def load(self, *, now: dt.datetime, unit_id: str | None = None) -> ReportData:
        today = self.local(now).date()
        async with self.uow() as uow:
            plan = await uow.plans.current_plan()
            if plan is None:
                raise NoPlan("chưa có kế hoạch")
            _, sections, tasks = await uow.plans.load_full(plan.id)
            updates = [
                UpdateRow(
                    u.id, u.lead_id, unit, number, u.status, u.percent, u.note, self.local(u.created_at),
                    (who.display_name or f"#{who.id}") if who else "?", u.channel,
                )
                for u, unit, number, who in await uow.statuses.plan_history(plan.id, unit_id=unit_id)
            ]
            codes = {t.id: t.code for t in await uow.targets.targets(plan.id)}
            figures = [
                (codes.get(f.target_id, "?"), f.period, f.value, f.numerator, f.denominator, f.unit_id, who or "?",
                 self.local(f.created_at), f.channel)
                for f, who in await uow.targets.figures(plan.id)
                if unit_id is None or f.unit_id == unit_id
            ]
            evidence = [
                self._localised(evidence_view(row))
                for row in await uow.review.evidence(plan.id, unit_ids=[unit_id] if unit_id is not None else None)
            ]
        latest: dict[int, UpdateRow] = {}
        for u in updates:
            if u.lead_id not in latest or u.id > latest[u.lead_id].id:
                latest[u.lead_id] = u
        files: dict[int, list[EvidenceView]] = defaultdict(list)
        for ev in evidence:
            files[ev.lead_id].append(ev)
        department = Counter()
        task_rows: list[TaskRow] = []
        for task in tasks:
            rows = []
            for a in task.assignments:
                shares = []
                for lead in sorted(a.leads, key=lambda x: x.id):
                    dues = (m.due for m in a.milestones if not before_plan(m.due, plan.year))
                    overdue = share_overdue(lead.status, lead.done_through, dues, today)
                    mine = files.get(lead.id, [])
                    verification = Verification(
                        sum(1 for e in mine if e.review_state == ACCEPTED),
                        sum(1 for e in mine if e.review_state == PENDING),
                        sum(1 for e in mine if e.review_state == RETURNED),
                    )
                    share = Share(
                        lead.id, lead.unit_id, lead.status, lead.percent, overdue, verification,
                        latest.get(lead.id), mine,
                    )
                    tally(department, share)
                    if unit_id is None or lead.unit_id == unit_id:
                        shares.append(share)
                if unit_id is not None and not shares:
                    continue
                rows.append(
                    AssignmentRow(
                        a.position, list(a.lead or []), list(a.coordinating or []),
                        list(a.external_coordinating or []), list(a.products or []), a.scope,
                        a.deadline_text or "; ".join(m.text for m in a.milestones), shares,
                    )
                )
            if rows:
                task_rows.append(TaskRow(task.number, task.section_number, task.title, rows))
        return ReportData(
            year=plan.year, title=plan.title, issuer=plan.issuer, generated_at=self.local(now), unit_id=unit_id,
            sections=[(s.number, s.roman, s.title) for s in sections], tasks=task_rows, updates=updates,
            evidence=evidence, department_total=department, figures=figures,
        )


# -- texts of the cells -----------------------------------------------------------------------------------
def unit_list(units: UnitDirectory, ids: list[str], external: list[str] = ()) -> str:
    """Unit names as the plan writes them: a full collective becomes its phrase ("Các phòng, đơn vị
    thuộc Sở, đơn vị trực thuộc"), the rest are listed by name."""
    remaining = list(dict.fromkeys(ids))
    parts: list[str] = []
    candidates = sorted(
        ((c.phrase, units.members_of_kinds(c.kinds)) for c in units.collectives),
        key=lambda pair: (-len(pair[1]), -len(pair[0])),
    )
    for phrase, members in candidates:
        if len(members) >= 2 and set(members) <= set(remaining):
            parts.append(phrase)
            remaining = [u for u in remaining if u not in members]
    parts.extend(units.name(u) for u in remaining)
    parts.extend(external)
    return "; ".join(parts)


def fmt_time(at: dt.datetime | None) -> str:
    return at.strftime("%d/%m/%Y %H:%M") if at else ""


def status_phrase(share: Share) -> str:
    name = status_text(share.status, share.percent)
    if share.status == Status.DONE:
        v = share.verification
        if v.verified(share.status):
            name += " — đã xác nhận"
        elif v.pending:
            name += " — minh chứng chờ xác nhận"
        else:
            name += " — chưa có minh chứng được xác nhận"
    if share.overdue:
        name += " — trễ hạn"
    return name


def _per_share(
    units: UnitDirectory, shares: list[Share], text: Callable[[Share], str], *, skip_empty: bool = True
) -> str:
    """One line (or block) per unit; the unit's name is only written when several units lead."""
    if len(shares) == 1:
        return text(shares[0])
    lines = []
    for share in shares:
        value = text(share)
        if value or not skip_empty:
            lines.append(f"{units.name(share.unit_id)}: {value}")
    return "\n".join(lines)


def evidence_text(files: list[EvidenceView]) -> str:
    if not files:
        return ""
    lines = [f"{len(files)} tệp"]
    lines.extend(f"• {ev.label} — {STATE_NAMES.get(ev.review_state, ev.review_state)}" for ev in files)
    return "\n".join(lines)


def latest_text(share: Share) -> str:
    return f"{share.latest.who}, {fmt_time(share.latest.at)}" if share.latest else ""


def notes_text(units: UnitDirectory, a: AssignmentRow) -> str:
    notes: list[str] = []
    if a.scope:
        notes.append(f"Phạm vi: {a.scope}")
    several = len(a.shares) > 1
    for share in a.shares:
        prefix = f"{units.name(share.unit_id)}: " if several else ""
        if share.latest and share.latest.note:
            notes.append(f"{prefix}{share.latest.note}")
        for ev in share.evidence:
            if ev.review_state == RETURNED and ev.review_comment:
                notes.append(f"{prefix}Trả lại «{ev.label}»: {ev.review_comment}")
    return "\n".join(notes)


def bullet_list(items: list[str]) -> str:
    return "\n".join(f"- {p}" for p in items) if len(items) > 1 else (items[0] if items else "")


def clip(value: object) -> object:
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        return value[: CELL_LIMIT - 1] + "…"
    return value


# -- writing --------------------------------------------------------------------------------------------
STYLE_SPECS: dict[str, dict] = {
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
        styles = getattr(wb, "_cchc_styles", None)
        if styles is None:
            styles = cls(wb)
            wb._cchc_styles = styles
        return styles

    def apply(self, cell: Cell, name: str, fmt: str | None = None) -> None:
        cell._style = copy(self.arrays[f"{name}:{fmt}" if fmt else name])


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
    ws: Worksheet, row: int, values: Sequence[object], *, center: tuple[int, ...] = (1,), kind: str = "body", formats: dict[int, str] | None = None
) -> None:
    """One bordered, wrapped row; `center` columns centred, `formats` = column → number format key."""
    styles = Styles.of(ws)
    formats = formats or {}
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=clip(value))
        styles.apply(cell, f"{kind}_c" if col in center else kind, formats.get(col))


def _page_setup(ws: Worksheet, header_row: int) -> None:
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def scope_text(data: ReportData, units: UnitDirectory) -> str:
    who = units.name(data.unit_id) if data.unit_id else "toàn Sở"
    return f"Phạm vi: {who} — tình trạng cập nhật đến {fmt_time(data.generated_at)}"


def write_appendix(ws: Worksheet, data: ReportData, units: UnitDirectory) -> int:
    ncol = len(APPENDIX_HEADERS)
    _title(ws, f"PHỤ LỤC — CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {data.year}", scope_text(data, units), ncol)
    _headers(ws, 3, APPENDIX_HEADERS)
    _page_setup(ws, 3)
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
                        _per_share(units, a.shares, status_phrase, skip_empty=False),
                        _per_share(units, a.shares, latest_text),
                        _per_share(units, a.shares, lambda s: evidence_text(s.evidence)),
                        notes_text(units, a),
                    ],
                )
                row += 1
            if row - first > 1:
                ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
                ws.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
    return row - 4


SUMMARY_KEYS = ("total", Status.DONE, "verified", Status.IN_PROGRESS, Status.BLOCKED, Status.NOT_STARTED, "overdue")


def _summary_row(ws: Worksheet, row: int, stt: int | str | None, name: str, counts: Counter, *, kind: str = "body") -> None:
    values = [stt, name, *[counts.get(k, 0) for k in SUMMARY_KEYS]]
    total = counts.get("total", 0)
    values.append(counts.get(Status.DONE, 0) / total if total else 0)
    _put(ws, row, values, center=(1, 3, 4, 5, 6, 7, 8, 9, 10), kind=kind, formats={10: "percent"})


def write_summary(ws: Worksheet, data: ReportData, units: UnitDirectory) -> None:
    ncol = len(SUMMARY_HEADERS)
    _title(ws, f"TỔNG HỢP TIẾN ĐỘ KẾ HOẠCH CCHC NĂM {data.year}", scope_text(data, units), ncol)
    _headers(ws, 3, SUMMARY_HEADERS)
    _page_setup(ws, 3)
    by_unit: dict[str, Counter] = defaultdict(Counter)
    by_section: dict[int, Counter] = defaultdict(Counter)
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


def audit_events(data: ReportData) -> list[tuple]:
    """(when, task, unit, event, content, who, channel) of every change, oldest first."""
    events: list[tuple] = []
    for u in data.updates:
        what = status_text(u.status, u.percent)
        if u.note:
            what += f" — {u.note}"
        events.append((u.at, 0, u.id, u.task_number, u.unit_id, "Cập nhật tình trạng", what, u.who, u.channel))
    for ev in data.evidence:
        content = ev.label + (f" — {ev.caption}" if ev.caption and ev.caption != ev.label else "")
        content += f" (sha256 {ev.sha256[:12]}…)"
        events.append((ev.created_at, 1, ev.id, ev.task_number, ev.unit_id, "Gửi minh chứng", content,
                       ev.uploader or "?", ev.channel))
        if ev.review_state in (ACCEPTED, RETURNED) and ev.reviewed_at is not None:
            if ev.review_state == ACCEPTED:
                events.append((ev.reviewed_at, 2, ev.id, ev.task_number, ev.unit_id, "Xác nhận minh chứng", ev.label,
                               ev.reviewer or "?", None))
            else:
                events.append((ev.reviewed_at, 2, ev.id, ev.task_number, ev.unit_id, "Trả lại minh chứng",
                               f"{ev.label}: {ev.review_comment or ''}", ev.reviewer or "?", None))
    for i, (code, period, value, numerator, denominator, unit, who, at, channel) in enumerate(data.figures):
        what = f"Chỉ tiêu {code} ({PERIOD_TITLES.get(period, period)}): {fmt_value(value)}"
        if denominator:
            what += f" ({numerator}/{denominator})"
        events.append((at, 3, i, None, unit, "Báo số liệu chỉ tiêu", what, who, channel))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return [(at, task, unit, kind, content, who, channel) for at, _, _, task, unit, kind, content, who, channel in events]


def write_audit(ws: Worksheet, data: ReportData, units: UnitDirectory) -> int:
    ncol = len(AUDIT_HEADERS)
    _title(ws, f"LỊCH SỬ CẬP NHẬT KẾ HOẠCH CCHC NĂM {data.year}", scope_text(data, units), ncol)
    _headers(ws, 3, AUDIT_HEADERS)
    _page_setup(ws, 3)
    row = 4
    for at, task, unit, kind, content, who, channel in audit_events(data):
        _put(ws, row, [at, task, units.name(unit), kind, content, who, channel], center=(2,),
             formats={1: "datetime"})
        row += 1
    ws.auto_filter.ref = f"A3:{get_column_letter(ncol)}{max(row - 1, 3)}"
    return row - 4


def completed_in(data: ReportData, start: dt.date, end: dt.date) -> list[tuple[TaskRow, AssignmentRow, Share, UpdateRow]]:
    """Shares whose status became `done` (from anything else) on a day inside [start, end]; the last
    such change counts when a share was reopened and finished again."""
    by_lead: dict[int, list[UpdateRow]] = defaultdict(list)
    for u in sorted(data.updates, key=lambda u: u.id):
        by_lead[u.lead_id].append(u)
    found = []
    for task, a, share in data.shares():
        previous, hit = Status.NOT_STARTED, None
        for u in by_lead.get(share.lead_id, []):
            if u.status == Status.DONE and previous != Status.DONE and start <= u.at.date() <= end:
                hit = u
            previous = u.status
        if hit is not None:
            found.append((task, a, share, hit))
    return found


def write_period(ws: Worksheet, data: ReportData, units: UnitDirectory, period: str) -> int:
    start, end = period_range(period, data.year)
    ncol = len(PERIOD_HEADERS)
    _title(
        ws,
        f"KẾT QUẢ HOÀN THÀNH {PERIOD_TITLES[period].upper()} NĂM {data.year} ({start:%d/%m}–{end:%d/%m/%Y})",
        scope_text(data, units), ncol,
    )
    _headers(ws, 3, PERIOD_HEADERS)
    _page_setup(ws, 3)
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
    appendix.title = "Phụ lục"
    rows = write_appendix(appendix, data, units)
    write_summary(wb.create_sheet("Tổng hợp"), data, units)
    write_audit(wb.create_sheet("Lịch sử"), data, units)
    period_rows = 0
    if period is not None:
        period_rows = write_period(wb.create_sheet(f"Hoàn thành {PERIOD_TITLES[period]}"[:31]), data, units, period)
    wb.properties.title = f"Kế hoạch CCHC năm {data.year} — tình trạng thực hiện"
    wb.properties.creator = data.issuer or "Trợ lý CCHC"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return ExportResult(path, len(data.tasks), rows, wb.sheetnames, period_rows, 0.0, 0.0)
