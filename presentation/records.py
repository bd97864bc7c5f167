"""Answers about one task's records: trigger dates, history, the Excel export."""

from __future__ import annotations

import datetime as dt

from presentation.format import Workdays, days_left, deadline, fmt_date
from presentation.names import file_label, status_text
from services.review_service import AuditLine

TRIGGER_HOW = "Ghi ngày sự kiện theo mẫu: «nv 18: đã nhận văn bản UBND ngày 10/5»."
TRIGGER_FORBIDDEN = "Chỉ Văn phòng Sở (điều phối) ghi nhận ngày sự kiện. Không có gì thay đổi."
HISTORY_WHICH = "Xem lịch sử nhiệm vụ nào? Ví dụ: /lichsu 17"


def impossible_date(written: str) -> str:
    return (f"Ngày «{written}» không có trong lịch, nên chưa ghi nhận gì. Gõ lại ngày đúng, ví dụ "
            "«nv 18: đã nhận văn bản UBND ngày 10/5».")


def no_trigger(task: int) -> str:
    return f"Nhiệm vụ {task} không có mốc nào chờ sự kiện, nên không cần ghi ngày."


def trigger_recorded(task: int, day: dt.date, milestones: list[tuple[str, dt.date | None]], today: dt.date,
                     workdays: Workdays | None) -> str:
    lines = [f"Đã ghi nhận sự kiện ngày {fmt_date(day)} cho nhiệm vụ {task}:"]
    lines.extend(
        f"• {label}: **{deadline(due, workdays, today.year)}** ({days_left(due, today, workdays)})" if due else f"• {label}"
        for label, due in milestones
    )
    return "\n".join(lines)


def audit_text(line: AuditLine) -> str:
    """What one event of a task's history says («Đang thực hiện 90% — bổ sung biên bản», «gửi minh chứng …»)."""
    if line.evidence is None:
        return status_text(line.status or "", line.percent) + (f" — {line.note}" if line.note else "")
    name = file_label(line.evidence)
    if line.event == "accepted":
        return f"xác nhận minh chứng «{name}»"
    if line.event == "returned":
        return f"trả lại minh chứng «{name}»: {line.evidence.review_comment}"
    return f"gửi minh chứng «{name}»"


def history_empty(task: int) -> str:
    return f"Nhiệm vụ {task} chưa có cập nhật hay minh chứng nào."


def history(task: int, lines: list[tuple[dt.datetime, str, str, str, str | None]]) -> str:
    out = [f"**Lịch sử nhiệm vụ {task}**"]
    for when, unit, text, who, channel in lines:
        via = f", {channel}" if channel else ""
        out.append(f"• {when:%d/%m/%Y %H:%M} {unit}: {text} ({who}{via})")
    return "\n".join(out)


def export_other_unit(own: str, asked: str) -> str:
    return (
        f"Anh/chị chỉ xuất được báo cáo của {own}; báo cáo của {asked} "
        "hay toàn Sở do Văn phòng Sở xuất. Gõ /xuatbaocao để nhận bảng của đơn vị mình."
    )


def export_done(who: str, tasks: int, rows: int, sheets: list[str], period_title: str | None, period_rows: int,
                own_only: bool) -> str:
    lines = [f"📊 **Báo cáo tình hình thực hiện Kế hoạch CCHC — {who}**"]
    lines.append(f"Phụ lục {tasks} nhiệm vụ, {rows} dòng; các trang: {', '.join(sheets)}.")
    if period_title:
        lines.append(f"Trang «Hoàn thành {period_title}»: {period_rows} phần việc hoàn thành trong kỳ.")
    if own_only:
        lines.append("Anh/chị nhận bảng của đơn vị mình; bảng toàn Sở do Văn phòng Sở xuất.")
    return "\n".join(lines)


def export_caption(who: str, period_title: str | None, today: dt.date) -> str:
    return f"Báo cáo CCHC — {who}" + (f", {period_title}" if period_title else "") + f" ({today:%d/%m/%Y})"
