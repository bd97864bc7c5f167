"""'Khi nào nộp báo cáo quý 3?': due dates of the periodic reports from the reporting calendar."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from domain.reporting import ReportDate
from presentation.common import days_left, fmt_date


@intent("report_schedule")
async def report_schedule(ctx: Context) -> list[Reply]:
    calendar = ctx.app.reporting
    year = ctx.today.year
    wanted = ctx.nlu.report
    dates = [d for d in calendar.all_dates(year) if wanted is None or d.period == wanted]
    if not dates:
        return ctx.reply(
            "Lịch báo cáo không có kỳ này. Các kỳ: Quý I, Quý II (kiểm soát TTHC), 6 tháng, Quý III, năm. "
            "Ví dụ: «hạn báo cáo quý 3»."
        )
    if wanted is None:  # the whole calendar: upcoming first, then the ones already past
        dates.sort(key=lambda d: (d.due < ctx.today, d.due))
    lines = [f"**Lịch nộp báo cáo định kỳ năm {year}**" if wanted is None else "**Hạn nộp báo cáo**"]
    lines.extend(_line(ctx, d) for d in dates)
    lines.append(
        "\nSố liệu báo cáo tính đến ngày chốt (Nghị định 09/2019/NĐ-CP, Điều 12). "
        "Hạn nộp do Văn phòng Sở cấu hình theo lịch của tỉnh."
    )
    return ctx.reply("\n".join(lines))


def _line(ctx: Context, d: ReportDate) -> str:
    due = ctx.app.workdays.previous_working_day(d.due)
    moved = f" (ngày {fmt_date(d.due)} nghỉ, nộp trước)" if due != d.due else ""
    cutoff = f"; chốt số liệu {fmt_date(d.cutoff)}" if d.cutoff else ""
    return f"• {d.title}: hạn **{fmt_date(due)}**{moved} — {days_left(due, ctx.today)}{cutoff}"
