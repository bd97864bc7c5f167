"""«nv 3 hạn 30/06» — a coordinator dates a milestone the import could not read; «mốc cần xác định thời
hạn» lists those still waiting (docs/contracts.md §2: kind `needs_date`)."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from handlers.task_info import unknown_task_reply
from presentation import deadlines as texts
from presentation.common import NO_PLAN


@intent("set_deadline")
async def set_deadline(ctx: Context) -> list[Reply]:
    nlu = ctx.nlu
    if nlu.task is None or nlu.due_date is None:
        return ctx.reply(texts.DEADLINE_HOW)
    outcome = await ctx.app.plans.set_deadline(ctx.sender, task=nlu.task, day=nlu.due_date)
    if outcome.kind == "forbidden":
        return ctx.reply(texts.DEADLINE_FORBIDDEN)
    if outcome.kind == "no_plan":
        return ctx.reply(NO_PLAN)
    if outcome.kind == "unknown_task":
        return await unknown_task_reply(ctx, nlu.task)
    if outcome.kind == "nothing_to_set":
        return ctx.reply(texts.nothing_to_set(nlu.task))
    assert outcome.day is not None
    return ctx.reply(texts.deadline_set(nlu.task, outcome.labels, outcome.day))


@intent("needs_date")
async def needs_date(ctx: Context) -> list[Reply]:
    if not ctx.sender.is_coordinator:
        return ctx.reply(texts.DEADLINE_FORBIDDEN)
    return ctx.reply(texts.waiting_list(await ctx.app.plans.needs_date()))
