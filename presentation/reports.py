"""The reporting calendar and the plan's targets, answered short."""

from __future__ import annotations

import datetime as dt

from domain.reporting import ReportDate
from presentation.format import Workdays, days_left, deadline, due_day, fmt_day
from presentation.periods import report_title

NOT_IN_CALENDAR = (
    "Lịch báo cáo không có kỳ này. Các kỳ: Quý I, Quý II (kiểm soát TTHC), 6 tháng, Quý III, năm. "
    "Ví dụ: «hạn báo cáo quý 3»."
)
BASIS = "Số liệu tính đến ngày chốt (Nghị định 09/2019/NĐ-CP, Điều 12); hạn nộp theo lịch của tỉnh."


def calendar_title(year: int, *, whole: bool) -> str:
    return f"**Lịch nộp báo cáo định kỳ năm {year}**" if whole else "**Hạn nộp báo cáo**"


def report_line(d: ReportDate, today: dt.date, workdays: Workdays | None, done: bool | None) -> str:
    """«• Báo cáo kiểm soát TTHC Quý III: hạn 18/09 (CN) → nộp trước thứ Sáu 16/09 — còn 32 ngày; chốt số liệu 14/09».
    A date already past is «đã qua», or «đã nộp» when the report's task share is done."""
    when = deadline(d.due, workdays, today.year)
    if due_day(d.due, workdays) < today:
        state = "đã nộp" if done else "đã qua"
    else:
        state = days_left(d.due, today, workdays)
    cutoff = f"; chốt số liệu {fmt_day(d.cutoff, today.year)}" if d.cutoff and d.due >= today else ""
    return f"• {report_title(d)}: {when} — {state}{cutoff}"


def targets_overview(sections: list[tuple[int, str, list[str]]]) -> str:
    lines = ["**Chỉ tiêu của kế hoạch** — hỏi một lĩnh vực để xem đủ, ví dụ «chỉ tiêu lĩnh vực 3»"]
    for number, title, items in sections:
        lines.append(f"• {number}. {title.capitalize()}: {len(items)} chỉ tiêu" if items else f"• {number}. {title.capitalize()}: —")
    return "\n".join(lines)


def no_section(wanted: int, count: int) -> str:
    return f"Kế hoạch không có lĩnh vực số {wanted}. Các lĩnh vực: 1–{count}."
