"""'/lichsu 17': every status change of a task (the audit trail)."""

from __future__ import annotations

from bot.conversation.messages import Reply
from handlers.base import Context
from handlers.common import status_text
from handlers.registry import intent
from handlers.task_info import unknown_task_reply


@intent("history")
async def history(ctx: Context) -> list[Reply]:
    if ctx.nlu.task is None:
        return ctx.reply("Xem lịch sử nhiệm vụ nào? Ví dụ: /lichsu 17")
    rows = await ctx.app.statuses.history(ctx.nlu.task)
    if rows is None:
        return await unknown_task_reply(ctx, ctx.nlu.task)
    if not rows:
        return ctx.reply(f"Nhiệm vụ {ctx.nlu.task} chưa có cập nhật nào.")
    tz = ctx.app.clock.tz
    lines = [f"**Lịch sử nhiệm vụ {ctx.nlu.task}**"]
    for unit, status, percent, note, at, who, channel in rows:
        when = at.astimezone(tz) if at.tzinfo else at
        extra = f" — {note}" if note else ""
        lines.append(
            f"• {when:%d/%m/%Y %H:%M} {ctx.app.units.name(unit)}: {status_text(status, percent)}{extra} ({who}, {channel})"
        )
    return ctx.reply("\n".join(lines))
