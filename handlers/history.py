"""'/lichsu 17': a task's audit trail — every status change, evidence upload and review, oldest first."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from handlers.task_info import unknown_task_reply
from presentation import records as texts


@intent("history")
async def history(ctx: Context) -> list[Reply]:
    if ctx.nlu.task is None:
        return ctx.reply(texts.HISTORY_WHICH)
    lines = await ctx.app.review.audit(ctx.nlu.task)
    if lines is None:
        return await unknown_task_reply(ctx, ctx.nlu.task)
    if not lines:
        return ctx.reply(texts.history_empty(ctx.nlu.task))
    tz = ctx.app.clock.tz
    rows = [
        (line.at.astimezone(tz) if line.at.tzinfo else line.at, ctx.app.units.name(line.unit_id), texts.audit_text(line), line.who,
         line.channel)
        for line in lines
    ]
    return ctx.reply(texts.history(ctx.nlu.task, rows))
