"""'Nhiệm vụ 17 là gì', 'việc kê khai tài sản ai chủ trì': one task on one phone screen, with status
buttons for the asker's own share."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from presentation.common import NO_PLAN
from presentation.tasks import task_detail, unknown_task
from services.errors import NoPlan


async def unknown_task_reply(ctx: Context, number: int | None) -> list[Reply]:
    info = await ctx.app.queries.plan_info()
    return ctx.reply(unknown_task(number, info[2] if info else 0))


@intent("task_info")
async def task_info(ctx: Context) -> list[Reply]:
    number = ctx.nlu.task
    if number is None:
        return await unknown_task_reply(ctx, None)
    try:
        detail = await ctx.app.queries.task_detail(number, ctx.today)
    except NoPlan:
        return ctx.reply(NO_PLAN)
    if detail is None:
        return await unknown_task_reply(ctx, number)
    ctx.focus = number  # «xong rồi» right after this means this task (asked first)
    user = ctx.sender
    return [task_detail(detail, ctx.today, ctx.app.units, ctx.app.workdays, user.unit_id, can_write=user.can_write)]
