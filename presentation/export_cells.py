"""The words of the export workbook's cells (`presentation/export_workbook.py` lays them out): column
titles, a share's status phrase, its evidence list, notes and unit lists. `services/export_service.py`
reads the data; every word a reader of the workbook sees is chosen here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from domain.shares import Status
from domain.units import UnitDirectory
from presentation.names import NOT_UPDATED_NAME, REVIEW_NAMES, file_label, status_text
from presentation.periods import TITLES
from services.export_service import AssignmentRow, Share
from services.review_service import RETURNED, EvidenceView

PERIOD_TITLES = TITLES  # the months a period covers (presentation.periods.PERIOD_WORDS)
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
    ("Chưa cập nhật", 12),
    ("Phần việc trễ hạn", 12),
    ("Hoàn thành sau hạn", 12),
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


# -- texts of the cells -----------------------------------------------------------------------------------
def unit_list(units: UnitDirectory, ids: Sequence[str], external: Sequence[str] = ()) -> str:
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
    if share.status == Status.NOT_STARTED and not share.updated:
        return NOT_UPDATED_NAME + (" — phần việc trễ hạn" if share.overdue else "")
    name = status_text(share.status, share.percent)
    if share.status == Status.DONE:
        v = share.verification
        if v.verified(share.status):
            name += " — đã xác nhận"
        elif v.pending:
            name += " — minh chứng chờ xác nhận"
        else:
            name += " — chưa có minh chứng được xác nhận"
    if share.done_late and share.done_on is not None:
        name += f" — hoàn thành sau hạn ({share.done_on:%d/%m/%Y})"
    if share.overdue:
        name += " — phần việc trễ hạn"
    return name


def per_share(
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
    lines.extend(f"• {file_label(ev)} — {REVIEW_NAMES.get(ev.review_state, ev.review_state)}" for ev in files)
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
                notes.append(f"{prefix}Trả lại «{file_label(ev)}»: {ev.review_comment}")
    return "\n".join(notes)


def bullet_list(items: list[str]) -> str:
    return "\n".join(f"- {p}" for p in items) if len(items) > 1 else (items[0] if items else "")


CellValue = str | int | float | dt.date | dt.datetime | None  # what a cell of the export holds


def clip(value: CellValue) -> CellValue:
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        return value[: CELL_LIMIT - 1] + "…"
    return value
