"""'nv 18: đã nhận văn bản UBND ngày 10/5' — a coordinator records when a waited-for event happened;
the milestone's due date follows (working days per BLDS 2015 Điều 147–148)."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from handlers.task_info import unknown_task_reply
from presentation.common import days_left, fmt_date


@intent("record_trigger")
async def record_trigger(ctx: Context) -> list[Reply]:
    nlu = ctx.nlu
    if nlu.task is None or nlu.trigger_date is None:
        return ctx.reply("Ghi ngày sự kiện theo mẫu: «nv 18: đã nhận văn bản UBND ngày 10/5».")
    outcome = await ctx.app.statuses.record_trigger(ctx.user, task=nlu.task, day=nlu.trigger_date)
    if outcome.kind == "forbidden":
        return ctx.reply("Chỉ Văn phòng Sở (điều phối) ghi nhận ngày sự kiện. Không có gì thay đổi.")
    if outcome.kind == "unknown_task":
        return await unknown_task_reply(ctx, nlu.task)
    if outcome.kind == "no_trigger":
        return ctx.reply(f"Nhiệm vụ {nlu.task} không có mốc nào chờ sự kiện, nên không cần ghi ngày.")
    lines = [f"Đã ghi nhận sự kiện ngày {fmt_date(nlu.trigger_date)} cho nhiệm vụ {nlu.task}:"]
    lines.extend(
        f"• {label}: hạn **{fmt_date(due)}** ({days_left(due, ctx.today)})" if due else f"• {label}"
        for label, due in outcome.milestones
    )
    return ctx.reply("\n".join(lines))
