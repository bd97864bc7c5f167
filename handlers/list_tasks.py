"""'Quý này có việc gì đến hạn?', 'văn phòng còn việc gì chưa xong', 'việc nào trễ hạn' — lists of
milestones for a unit (or all units for coordinators and leaders), paged with ◀ ▶ buttons."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import Button, Reply
from presentation.common import milestone_when, short, status_icon, status_text
from services.query_service import NoPlan
from services.views import ListItem

PAGE_SIZE = 12
GROUP_TITLES = {
    "dated": "📅 Có hạn cụ thể",
    "year_round": "🔁 Thực hiện cả năm",
    "waiting": "⏳ Chờ sự kiện kích hoạt",
    "undated": "📄 Theo quy định / khi có yêu cầu",
}
STATUS_TITLES = {
    "open": "chưa hoàn thành",
    "overdue": "trễ hạn",
    "done": "đã hoàn thành",
    "in_progress": "đang thực hiện",
    "not_started": "chưa thực hiện",
    "blocked": "đang vướng mắc",
}


@intent("list_tasks")
async def list_tasks(ctx: Context) -> list[Reply]:
    unit = ctx.nlu.unit or (None if ctx.user.sees_all_units else ctx.user.unit_id)
    period = (ctx.nlu.period.start, ctx.nlu.period.end) if ctx.nlu.period else None
    return await _page(ctx, unit, period, ctx.nlu.status, 0)


@callback("ls")
async def turn_page(ctx: Context) -> list[Reply]:
    """ls:<unit|*>:<yyyymmdd|->:<yyyymmdd|->:<status|->:<page>"""
    try:
        unit, start, end, status, page = ctx.args
        period = (_day(start), _day(end)) if start != "-" else None
        replies = await _page(ctx, None if unit == "*" else unit, period, None if status == "-" else status, int(page))
    except ValueError:
        return ctx.reply("Nút này đã cũ. Anh/chị hỏi lại danh sách nhé.")
    for reply in replies:
        reply.edit = True
    return replies


async def _page(ctx: Context, unit: str | None, period, status: str | None, page: int) -> list[Reply]:
    try:
        result = await ctx.app.queries.list_tasks(
            unit_ids=[unit] if unit else None, period=period, status=status, today=ctx.today
        )
    except NoPlan:
        return ctx.reply("Chưa có kế hoạch CCHC nào được nạp. Văn phòng Sở cần nạp kế hoạch trước.")
    lines = _lines(ctx, result.items, all_units=unit is None)
    title = _title(ctx, unit, period, status)
    if not lines:
        return ctx.reply(f"{title}\nKhông có việc nào. ✅\nGõ «hướng dẫn» để xem các cách hỏi khác.")
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = max(0, min(page, pages - 1))
    body = lines[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    text = f"{title} — {len([line for line in lines if not line.startswith('**')])} mục"
    if pages > 1:
        text += f" (trang {page + 1}/{pages})"
    text += "\n" + "\n".join(body)
    buttons: list[Button] = []
    code = ":".join(
        [unit or "*", _code(period[0]) if period else "-", _code(period[1]) if period else "-", status or "-"]
    )
    if page > 0:
        buttons.append(Button("◀ Trước", f"ls:{code}:{page - 1}"))
    if page < pages - 1:
        buttons.append(Button("Sau ▶", f"ls:{code}:{page + 1}"))
    return [Reply(text, buttons=[buttons] if buttons else [])]


def _lines(ctx: Context, items: list[ListItem], *, all_units: bool) -> list[str]:
    lines: list[str] = []
    for group, members in groupby(items, key=lambda i: i.group):
        lines.append(f"**{GROUP_TITLES[group]}**")
        members = list(members)
        if all_units:  # one line per milestone, with the units' statuses summed up
            by_milestone: dict[int, list[ListItem]] = {}
            for item in members:
                by_milestone.setdefault(item.milestone.id, []).append(item)
            for same in by_milestone.values():
                lines.append(_line(ctx, same[0], units=[i.lead for i in same]))
        else:
            lines.extend(_line(ctx, item) for item in members)
    return lines


def _line(ctx: Context, item: ListItem, units=None) -> str:
    lead, m = item.lead, item.milestone
    label = "" if m.label == m.text else f"{m.label}: "
    text = f"NV {lead.task_number} {short(lead.task_title, 60)} — {label}{milestone_when(m, ctx.today)}"
    if units is None:
        if lead.milestone_done(m) and lead.status != "done":
            return f"{status_icon('done')} {text} · mốc này đã xong"
        extra = f" · {status_text(lead.status, lead.percent)}" if lead.status != "not_started" else ""
        return f"{status_icon(lead.status)} {text}{extra}"
    if len(units) == 1:
        icon = status_icon("done" if units[0].milestone_done(m) else units[0].status)
        return f"{icon} {text} · {ctx.app.units.name(units[0].unit_id)}"
    done = sum(1 for u in units if u.milestone_done(m))
    return f"• {text} · {len(units)} đơn vị ({done} xong)"


def _title(ctx: Context, unit: str | None, period, status: str | None) -> str:
    who = ctx.app.units.name(unit) if unit else "toàn Sở"
    parts = [f"**Việc của {who}"]
    if status:
        parts.append(STATUS_TITLES.get(status, status))
    if period:
        parts.append(_period_text(*period))
    return " — ".join(parts) + "**"


def _period_text(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"ngày {start:%d/%m/%Y}"
    quarter_starts = {1: "I", 4: "II", 7: "III", 10: "IV"}
    if start.day == 1 and start.month in quarter_starts and (end - start).days in range(89, 93) and end.year == start.year:
        return f"quý {quarter_starts[start.month]}/{start.year} ({start:%d/%m}–{end:%d/%m})"
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"


def _code(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _day(code: str) -> dt.date:
    return dt.datetime.strptime(code, "%Y%m%d").date()
