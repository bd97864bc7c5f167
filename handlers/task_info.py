"""'Nhiệm vụ 17 là gì', 'việc kê khai tài sản ai chủ trì': one task on one phone screen, with status
buttons for the asker's own share."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from handlers.plan_year import asked_year
from presentation.common import NO_PLAN
from presentation.tasks import task_detail, unknown_task
from presentation.years import with_year
from services.errors import NoPlan


async def unknown_task_reply(ctx: Context, number: int | None, year: int | None = None) -> list[Reply]:
    info = await ctx.app.queries.plan_info(year)
    return ctx.reply(with_year(unknown_task(number, info[2] if info else 0), year))


@intent("task_info")
async def task_info(ctx: Context) -> list[Reply]:
    number = ctx.nlu.task
    if number is None:
        return await unknown_task_reply(ctx, None)
    year, refused = await asked_year(ctx)
    if refused is not None:
        return refused
    try:
        detail = await ctx.app.queries.task_detail(number, ctx.today, year=year)
    except NoPlan:
        return ctx.reply(NO_PLAN)
    if detail is None:
        return await unknown_task_reply(ctx, number, year)
    ctx.focus = number  # «xong rồi» right after this means this task (asked first)
    user = ctx.sender
    card = task_detail(detail, ctx.today, ctx.app.units, ctx.app.workdays, user.unit_id, can_write=user.can_write)
    if year is not None:
        card.text = with_year(card.text, year)
    return [card]
