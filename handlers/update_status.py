"""'nv 17 đang làm 60%', 'xong nhiệm vụ 3', status buttons: recording a unit's progress on a task.

Nothing is written when the sender may not write it, when the task does not exist, or when the bot is
unsure what was meant (it asks first). Every button press is re-authorised: a keyboard forwarded to
someone of another unit does not let them change the task.
"""

from __future__ import annotations

from conversation.context import Context
from conversation.nlu.slots import percent_out_of_range
from conversation.registry import callback, intent
from domain.messages import Button, Reply
from domain.text import fold
from handlers.task_info import unknown_task_reply
from presentation.common import fmt_date, short, status_buttons, status_text
from presentation.status import percent_range_reply
from services.status_service import UpdateOutcome

CONFIDENT = 0.75


@intent("update_status")
async def update_status(ctx: Context) -> list[Reply]:
    nlu = ctx.nlu
    if nlu.task is None:
        return ctx.reply("Anh/chị cập nhật nhiệm vụ số mấy? Ví dụ: «nv 17 đang làm 60%» hoặc «xong nhiệm vụ 3».")
    wrong = percent_out_of_range(fold(ctx.message.text or ""))
    if wrong is not None:  # «250%»: nothing is written, the previous percent stays
        return ctx.reply(percent_range_reply(nlu.task, wrong))
    if nlu.status is None:
        leads = await ctx.app.queries.leads(unit_ids=[ctx.user.unit_id], task=nlu.task)
        if len(leads) == 1:
            return [Reply(f"Nhiệm vụ {nlu.task}: anh/chị chọn tình trạng.", buttons=status_buttons(leads[0]))]
        return ctx.reply(f"Nhiệm vụ {nlu.task} đang ở tình trạng nào? Ví dụ: «nv {nlu.task} xong» hoặc «nv {nlu.task} đang làm 50%».")
    pending = {
        "action": "update", "task": nlu.task, "status": nlu.status, "percent": nlu.percent, "note": nlu.note,
        "text": ctx.message.text, "key": ctx.message.idempotency_key,
    }
    if nlu.confidence < CONFIDENT:
        await _remember(ctx, pending)
        what = status_text(nlu.status, nlu.percent)
        return [
            Reply(
                f"Anh/chị muốn cập nhật **nhiệm vụ {nlu.task}** thành «{what}»?",
                buttons=[[Button("✔️ Đúng, cập nhật", "cf:yes"), Button("✖️ Không", "cf:no")]],
            )
        ]
    return await apply_update(ctx, pending)


async def apply_update(ctx: Context, pending: dict, lead_id: int | None = None) -> list[Reply]:
    outcome = await ctx.app.statuses.update(
        ctx.user, task=pending["task"], status=pending["status"], percent=pending.get("percent"),
        note=pending.get("note"), channel=ctx.message.channel, text=pending.get("text"), key=pending.get("key"),
        now=ctx.now, lead_id=lead_id,
    )
    return await render(ctx, outcome, pending)


async def render(ctx: Context, outcome: UpdateOutcome, pending: dict) -> list[Reply]:
    units = ctx.app.units
    task = pending["task"]
    if outcome.kind == "recorded" and outcome.completed:
        lead = outcome.lead
        ahead = "; ".join(f"{label} ({fmt_date(due)})" for label, due in outcome.remaining)
        return ctx.reply(
            f"✅ Đã ghi nhận hoàn thành mốc **«{outcome.completed}»** của nhiệm vụ {lead.task_number} — "
            f"{short(lead.task_title)}\n{units.name(lead.unit_id)}: **{status_text(lead.status, lead.percent)}**; "
            f"còn: {ahead}.\nNhớ gửi minh chứng: ảnh hoặc tệp kèm chú thích «nv {task} ...»."
        )
    if outcome.kind == "recorded":
        lead = outcome.lead
        text = (
            f"✅ Đã ghi nhận **nhiệm vụ {lead.task_number}** — {short(lead.task_title)}\n"
            f"{units.name(lead.unit_id)}: {status_text(outcome.previous or 'not_started', None)} → "
            f"**{status_text(lead.status, lead.percent)}**"
        )
        if lead.status == "blocked":
            text += f"\nVướng mắc: {pending.get('note')}" if pending.get("note") else (
                f"\nAnh/chị ghi rõ vướng mắc để Văn phòng hỗ trợ, ví dụ: «nv {task} vướng, chờ hướng dẫn của Sở Nội vụ»."
            )
        if lead.status == "done":
            text += f"\nNhớ gửi minh chứng: ảnh hoặc tệp kèm chú thích «nv {task} ...»."
        return ctx.reply(text)
    if outcome.kind == "duplicate":
        return ctx.reply("Cập nhật này đã được ghi nhận trước đó.")
    if outcome.kind == "unknown_task":
        return await unknown_task_reply(ctx, task)
    if outcome.kind == "read_only":
        return ctx.reply("Vai trò của anh/chị chỉ xem, không cập nhật tình trạng. Cần thay đổi, xin báo Văn phòng Sở.")
    if outcome.kind == "forbidden":
        leads = ", ".join(units.name(u) for u in outcome.lead_units) or "không có đơn vị chủ trì"
        return ctx.reply(
            f"Nhiệm vụ {task} do {leads} chủ trì; {units.name(ctx.user.unit_id)} không cập nhật được. "
            "Không có gì thay đổi. Nếu phân công có sai sót, xin báo Văn phòng Sở."
        )
    if outcome.kind == "choose":
        await _remember(ctx, pending)
        buttons = [
            [Button(units.name(o.unit_id) + (f" ({short(o.scope, 30)})" if o.scope else ""), f"pk:{o.lead_id}")]
            for o in outcome.options[:20]
        ]
        return [Reply(f"Nhiệm vụ {task} có nhiều phần việc. Anh/chị cập nhật cho phần nào?", buttons=buttons)]
    if outcome.kind == "no_plan":
        return ctx.reply("Chưa có kế hoạch CCHC nào được nạp. Văn phòng Sở cần nạp kế hoạch trước.")
    return ctx.reply("Tình trạng không hợp lệ. Dùng: xong / đang làm N% / vướng / chưa làm.")


async def _remember(ctx: Context, pending: dict) -> None:
    await ctx.app.inbox.update_state(ctx.message.channel, ctx.message.chat_id, ctx.now, pending=pending)


async def _pending(ctx: Context) -> dict | None:
    state = await ctx.app.inbox.get_state(ctx.message.channel, ctx.message.chat_id, ctx.now) or {}
    return state.get("pending")


@callback("st")
async def press_status(ctx: Context) -> list[Reply]:
    """st:<lead_id>:<status> — from a task detail or a reminder."""
    try:
        lead_id, status = int(ctx.args[0]), ctx.args[1]
    except (IndexError, ValueError):
        return ctx.reply("Nút này đã cũ. Anh/chị mở lại nhiệm vụ nhé.")
    lead = await ctx.app.statuses.can_update(ctx.user, lead_id)
    if lead is None:
        return ctx.reply("Anh/chị không có quyền cập nhật phần việc này. Không có gì thay đổi.")
    pending = {"task": lead.task_number, "status": status, "text": f"[nút] {status}", "key": ctx.message.press_key}
    if status == "blocked":
        await ctx.app.inbox.update_state(
            ctx.message.channel, ctx.message.chat_id, ctx.now, awaiting={"kind": "reason", "lead_id": lead_id}
        )
        return ctx.reply(f"Nhiệm vụ {lead.task_number}: anh/chị gửi ngắn gọn nội dung vướng mắc (một tin nhắn).")
    return await apply_update(ctx, pending, lead_id=lead_id)


@intent("await:reason")
async def blocked_reason(ctx: Context) -> list[Reply]:
    """The text after pressing ⚠️ Vướng mắc is the reason."""
    lead_id = int(ctx.state["lead_id"])
    lead = await ctx.app.statuses.can_update(ctx.user, lead_id)
    if lead is None:
        return ctx.reply("Anh/chị không có quyền cập nhật phần việc này. Không có gì thay đổi.")
    pending = {
        "task": lead.task_number, "status": "blocked", "note": ctx.message.text.strip()[:1000],
        "text": ctx.message.text, "key": ctx.message.idempotency_key,
    }
    return await apply_update(ctx, pending, lead_id=lead_id)


@callback("pk")
async def pick_part(ctx: Context) -> list[Reply]:
    """pk:<lead_id> — which unit's share a pending update is for."""
    pending = await _pending(ctx)
    if not pending:
        return ctx.reply("Yêu cầu cập nhật đã hết hạn. Anh/chị gửi lại nhé.")
    await ctx.app.inbox.update_state(ctx.message.channel, ctx.message.chat_id, ctx.now, pending=None)
    return await apply_update(ctx, pending, lead_id=int(ctx.args[0]))


@callback("cf")
async def confirm_button(ctx: Context) -> list[Reply]:
    return await _confirm(ctx, ctx.args[:1] == ["yes"])


@intent("confirm")
async def confirm_text(ctx: Context) -> list[Reply]:
    return await _confirm(ctx, True)


@intent("deny", "cancel")
async def deny_text(ctx: Context) -> list[Reply]:
    return await _confirm(ctx, False)


async def _confirm(ctx: Context, yes: bool) -> list[Reply]:
    pending = await _pending(ctx)
    await ctx.app.inbox.update_state(ctx.message.channel, ctx.message.chat_id, ctx.now, pending=None, awaiting=None)
    if not pending:
        return ctx.reply("Không có việc gì đang chờ xác nhận." if yes else "Đã huỷ.")
    if not yes:
        return ctx.reply("Đã huỷ, không có gì thay đổi.")
    return await apply_update(ctx, pending)
