"""'Nhiệm vụ 17 là gì', 'việc kê khai tài sản ai chủ trì': one task in full, with status buttons for
the asker's own share."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from presentation.common import fmt_date, milestone_when, status_buttons, status_icon, status_text
from services.query_service import NoPlan


async def unknown_task_reply(ctx: Context, number: int | None) -> list[Reply]:
    info = await ctx.app.queries.plan_info()
    total = info[2] if info else 0
    if number is None:
        return ctx.reply(
            f"Anh/chị muốn xem nhiệm vụ nào? Gửi số thứ tự (1–{total}), ví dụ «nhiệm vụ 17», "
            "hoặc mô tả ngắn, ví dụ «việc kê khai tài sản»."
        )
    return ctx.reply(f"Không có nhiệm vụ số {number} (kế hoạch có {total} nhiệm vụ). Anh/chị kiểm tra lại số nhé.")


@intent("task_info")
async def task_info(ctx: Context) -> list[Reply]:
    number = ctx.nlu.task
    if number is None:
        return await unknown_task_reply(ctx, None)
    try:
        detail = await ctx.app.queries.task_detail(number)
    except NoPlan:
        return ctx.reply("Chưa có kế hoạch CCHC nào được nạp. Văn phòng Sở cần nạp kế hoạch trước.")
    if detail is None:
        return await unknown_task_reply(ctx, number)
    units = ctx.app.units
    lines = [f"**Nhiệm vụ {detail.number}. {detail.title}**", f"Lĩnh vực: {detail.section}. {detail.section_title}"]
    for a in detail.assignments:
        if len(detail.assignments) > 1:
            lines.append(f"\n**Phần {a['position'] + 1}**" + (f" (phạm vi: {a['scope']})" if a["scope"] else ""))
        elif a["scope"]:
            lines.append(f"Phạm vi: {a['scope']}")
        if a["products"]:
            lines.append("Sản phẩm: " + "; ".join(p.rstrip(" .;") for p in a["products"]))
        lines.append("Chủ trì: " + ", ".join(units.name(u) for u in a["lead"]))
        coordinating = [units.name(u) for u in a["coordinating"]] + a["external"]
        if coordinating:
            lines.append("Phối hợp: " + ", ".join(coordinating))
        lines.append("Thời hạn:")
        for m in a["milestones"]:
            prefix = f"{m.label}: " if m.label != m.text else ""
            lines.append(f"  • {prefix}{milestone_when(m, ctx.today)}")
    lines.append("\n**Tình trạng**")
    for status in detail.statuses:
        who = f" — {status.by}, {fmt_date(status.at.date())}" if status.at and status.by else ""
        note = f" ({status.note})" if status.note else ""
        evidence = f" · {status.evidence} minh chứng" if status.evidence else ""
        lines.append(
            f"{status_icon(status.status)} {units.name(status.unit_id)}: {status_text(status.status, status.percent)}"
            f"{note}{who}{evidence}"
        )
    own = [lead for lead in detail.leads if ctx.user.unit_id == lead.unit_id and ctx.user.can_write]
    buttons = status_buttons(own[0]) if len(own) == 1 else []
    if own:
        lines.append(f"\nCập nhật bằng nút bên dưới hoặc gõ, ví dụ: «nv {detail.number} đang làm 60%».")
    return [Reply("\n".join(lines), buttons=buttons)]
