"""The plan year a question names («năm 2022 …», «năm ngoái …»): which plan answers, and the refusal when
no plan of that year is stored. No intent of its own; the readers and the status update use it."""

from __future__ import annotations

from conversation.context import Context
from domain.messages import Reply
from presentation import years as texts
from services.errors import NoPlan


async def asked_year(ctx: Context) -> tuple[int | None, list[Reply] | None]:
    """(the past year to answer from or None for the current plan, the reply when there is no such plan)."""
    return await year_to_answer(ctx, getattr(ctx.nlu, "year", None))


async def year_to_answer(ctx: Context, named: int | None) -> tuple[int | None, list[Reply] | None]:
    """The same for a year a message or a button names."""
    if named is None:
        return None, None
    try:
        return await ctx.app.queries.past_year(named), None
    except NoPlan:
        return None, ctx.reply(texts.no_plan_for_year(named))
