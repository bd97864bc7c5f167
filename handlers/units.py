"""«danh sách đơn vị», /donvi: the department's units and the short names the assistant understands,
so that a head knows how to name another unit («nv 54 giao QLTM», «cập nhật giúp phòng X»)."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from presentation.units import units_text


@intent("units")
async def units(ctx: Context) -> list[Reply]:
    return ctx.reply(units_text(ctx.app.units))
