"""'Tiến độ chung của Sở', 'thanh tra làm đến đâu rồi': counts per status for a unit or everyone."""

from __future__ import annotations

from collections import Counter

from bot.conversation.messages import Reply
from handlers.base import Context
from handlers.registry import intent
from services.query_service import NoPlan


def summary(counts: Counter) -> str:
    total = counts.get("total", 0)
    done = counts.get("done", 0)
    share = f"{round(100 * done / total)}%" if total else "0%"
    return (
        f"✅ {done} hoàn thành · 🔄 {counts.get('in_progress', 0)} đang làm · ⚠️ {counts.get('blocked', 0)} vướng · "
        f"⬜ {counts.get('not_started', 0)} chưa làm · ❗ {counts.get('overdue', 0)} trễ hạn — {share} của {total} phần việc"
    )


@intent("progress")
async def progress(ctx: Context) -> list[Reply]:
    unit = ctx.nlu.unit
    try:
        counts = await ctx.app.queries.progress([unit] if unit else None, ctx.today)
    except NoPlan:
        return ctx.reply("Chưa có kế hoạch CCHC nào được nạp. Văn phòng Sở cần nạp kế hoạch trước.")
    units = ctx.app.units
    if unit:
        return ctx.reply(f"**Tiến độ của {units.name(unit)}**\n{summary(counts.get(unit, Counter()))}")
    lines = [f"**Tiến độ toàn Sở**\n{summary(counts['*'])}"]
    if ctx.user.sees_all_units:
        lines.append("\n**Theo đơn vị**")
        for unit_id, unit_counts in counts.items():
            if unit_id != "*":
                lines.append(f"• {units.name(unit_id)}: {summary(unit_counts)}")
    elif ctx.user.unit_id in counts:
        lines.append(f"\n**{units.name(ctx.user.unit_id)}**: {summary(counts[ctx.user.unit_id])}")
    return ctx.reply("\n".join(lines))
