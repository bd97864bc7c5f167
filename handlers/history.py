"""'/lichsu 17': a task's audit trail — every status change, evidence upload and review, oldest first."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from handlers.task_info import unknown_task_reply


@intent("history")
async def history(ctx: Context) -> list[Reply]:
    if ctx.nlu.task is None:
        return ctx.reply("Xem lịch sử nhiệm vụ nào? Ví dụ: /lichsu 17")
    lines = await ctx.app.review.audit(ctx.nlu.task)
    if lines is None:
        return await unknown_task_reply(ctx, ctx.nlu.task)
    if not lines:
        return ctx.reply(f"Nhiệm vụ {ctx.nlu.task} chưa có cập nhật hay minh chứng nào.")
    tz = ctx.app.clock.tz
    out = [f"**Lịch sử nhiệm vụ {ctx.nlu.task}**"]
    for line in lines:
        when = line.at.astimezone(tz) if line.at.tzinfo else line.at
        via = f", {line.channel}" if line.channel else ""
        out.append(f"• {when:%d/%m/%Y %H:%M} {ctx.app.units.name(line.unit_id)}: {line.text} ({line.who}{via})")
    return ctx.reply("\n".join(out))
