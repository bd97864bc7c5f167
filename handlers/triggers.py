"""'nv 18: đã nhận văn bản UBND ngày 10/5' — a coordinator records when a waited-for event happened;
the milestone's due date follows (working days per BLDS 2015 Điều 147–148)."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from handlers.task_info import unknown_task_reply
from presentation import records as texts
from services.status_service import TriggerKind


@intent("record_trigger")
async def record_trigger(ctx: Context) -> list[Reply]:
    nlu = ctx.nlu
    if nlu.task is not None and nlu.trigger_date is None and nlu.note:
        return ctx.reply(texts.impossible_date(nlu.note))  # «31/2»: say why nothing was recorded
    if nlu.task is None or nlu.trigger_date is None:
        return ctx.reply(texts.TRIGGER_HOW)
    outcome = await ctx.app.statuses.record_trigger(ctx.sender, task=nlu.task, day=nlu.trigger_date)
    if outcome.kind is TriggerKind.FORBIDDEN:
        return ctx.reply(texts.TRIGGER_FORBIDDEN)
    if outcome.kind is TriggerKind.UNKNOWN_TASK:
        return await unknown_task_reply(ctx, nlu.task)
    if outcome.kind is TriggerKind.NO_TRIGGER:
        return ctx.reply(texts.no_trigger(nlu.task))
    return ctx.reply(
        texts.trigger_recorded(nlu.task, nlu.trigger_date, outcome.milestones, ctx.today, ctx.app.workdays)
    )
