"""'Quý này có việc gì đến hạn?', 'văn phòng còn việc gì chưa xong', 'việc nào trễ hạn' — the milestones
of a unit (or of every unit for coordinators and leaders) in a period, paged with ◀ ▶ buttons; the
year-round work is one folded line until asked for («việc thường xuyên», /thuongxuyen)."""

from __future__ import annotations

from conversation.callbacks import ListPage
from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import Reply
from handlers.plan_year import asked_year, year_to_answer
from presentation.common import NO_PLAN, unit_name
from presentation.tasks import list_title, task_list
from presentation.years import with_year
from services.access import unit_in_view
from services.errors import NoPlan


@intent("list_tasks")
async def list_tasks(ctx: Context) -> list[Reply]:
    unit = ctx.nlu.unit or unit_in_view(ctx.sender, None).unit_id
    period = (ctx.nlu.period.start, ctx.nlu.period.end) if ctx.nlu.period else None
    routine = getattr(ctx.nlu, "scope", None) == "year_round"
    year, refused = await asked_year(ctx)
    if refused is not None:
        return refused
    return await _page(ctx, unit, period, ctx.nlu.status, 0, routine=routine, year=year)


@callback(ListPage)
async def turn_page(ctx: Context) -> list[Reply]:
    """ls:<unit|->:<yyyymmdd|->:<yyyymmdd|->:<status|->:<page>[:<all|->[:<year>]]"""
    b = ctx.pressed(ListPage)
    period = (b.start, b.end) if b.start and b.end else None
    year, refused = await year_to_answer(ctx, b.year)  # a past year's list stays that year's
    if refused is not None:
        return refused
    replies = await _page(ctx, b.unit, period, b.status, b.page, routine=b.scope == "all", year=year)
    for reply in replies:
        reply.edit = True
    return replies


async def _page(
    ctx: Context, unit: str | None, period, status: str | None, page: int, *, routine: bool, year: int | None = None
) -> list[Reply]:
    try:
        result = await ctx.app.queries.list_tasks(
            unit_ids=[unit] if unit else None, period=period, status=status, today=ctx.today, year=year
        )
    except NoPlan:
        return ctx.reply(NO_PLAN)
    who = unit_name(ctx.app.units, unit)
    title = with_year(list_title(who, period, status, routine=routine), year)
    question = ListPage(unit, period[0] if period else None, period[1] if period else None, status, page,
                        "all" if routine else None, year)
    return [task_list(
        result.items, title=title, today=ctx.today, workdays=ctx.app.workdays, units=ctx.app.units,
        all_units=unit is None, routine=routine, question=question,
    )]
