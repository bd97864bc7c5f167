"""'Chỉ tiêu thanh toán trực tuyến là bao nhiêu': the plan's quantitative targets (part II, a)."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from services.query_service import NoPlan


@intent("targets")
async def targets(ctx: Context) -> list[Reply]:
    try:
        sections = await ctx.app.queries.targets()
    except NoPlan:
        return ctx.reply("Chưa có kế hoạch CCHC nào được nạp. Văn phòng Sở cần nạp kế hoạch trước.")
    wanted = ctx.nlu.section
    chosen = [s for s in sections if wanted is None or s[0] == wanted]
    if not chosen:
        return ctx.reply(f"Kế hoạch không có lĩnh vực số {wanted}. Các lĩnh vực: 1–{len(sections)}.")
    lines = ["**Chỉ tiêu của kế hoạch**" if wanted is None else "**Chỉ tiêu**"]
    for number, title, items in chosen:
        lines.append(f"\n**{number}. {title.capitalize()}**")
        lines.extend(f"• {item}" for item in items) if items else lines.append("• (không có chỉ tiêu định lượng)")
    return ctx.reply("\n".join(lines))
