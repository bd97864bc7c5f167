"""/thongbao <nội dung>: a coordinator's short notice to every unit head.

A notice to everyone cannot be unsent, so the bot shows it back and sends only after «Gửi» is pressed.
The text waits in the coordinator's own chat state (not in the button), so a forwarded button is
useless to anyone else, and every press is re-authorised. Sending goes through the reminders' paced,
idempotent path (`services.broadcast_service`): pressing «Gửi» twice still reaches each head once.
"""

from __future__ import annotations

import uuid

from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import Button, Reply
from services.broadcast_service import MAX_NOTICE_CHARS, BroadcastOutcome

AWAIT_KIND = "broadcast_text"
NOT_ALLOWED = "Chỉ Văn phòng Sở (cán bộ điều phối) gửi được thông báo chung tới các trưởng đơn vị."
READ_ONLY = "Lãnh đạo Sở dùng trợ lý ở chế độ chỉ xem; thông báo chung do Văn phòng Sở gửi."


def _refusal(ctx: Context) -> list[Reply]:
    return ctx.reply(READ_ONLY if ctx.user.sees_all_units else NOT_ALLOWED)


@intent("broadcast")
async def start(ctx: Context) -> list[Reply]:
    if not ctx.user.is_coordinator:
        return _refusal(ctx)
    text = (getattr(ctx.nlu, "note", None) or "").strip()
    if not text:
        await ctx.app.inbox.update_state(
            ctx.message.channel, ctx.message.chat_id, ctx.now, awaiting={"kind": AWAIT_KIND}
        )
        return [
            Reply(
                f"Anh/chị nhập nội dung thông báo gửi tất cả trưởng đơn vị (tối đa {MAX_NOTICE_CHARS} ký tự).",
                buttons=[[Button("✖️ Hủy", "bc:no")]],
            )
        ]
    return await _confirm(ctx, text)


@intent(f"await:{AWAIT_KIND}")
async def text_given(ctx: Context) -> list[Reply]:
    if not ctx.user.is_coordinator:
        return _refusal(ctx)
    return await _confirm(ctx, ctx.message.text.strip())


async def _confirm(ctx: Context, text: str) -> list[Reply]:
    if len(text) > MAX_NOTICE_CHARS:
        return ctx.reply(
            f"Thông báo dài {len(text)} ký tự, quá {MAX_NOTICE_CHARS} ký tự cho phép. Anh/chị rút gọn, "
            "hoặc gửi văn bản chính thức qua hệ thống quản lý văn bản."
        )
    heads = await ctx.app.broadcasts.head_count()
    if heads == 0:
        return ctx.reply("Chưa có trưởng đơn vị nào đăng ký dùng trợ lý, nên chưa có ai để nhận thông báo.")
    key = ctx.message.idempotency_key or uuid.uuid4().hex
    await ctx.app.inbox.update_state(
        ctx.message.channel, ctx.message.chat_id, ctx.now, broadcast={"text": text, "key": key}
    )
    return [
        Reply(
            f"📣 Gửi thông báo sau tới **{heads} trưởng đơn vị**?\n\n{text}",
            buttons=[[Button("📣 Gửi", "bc:go"), Button("✖️ Hủy", "bc:no")]],
        )
    ]


@callback("bc")
async def press(ctx: Context) -> list[Reply]:
    action = ctx.args[0] if ctx.args else ""
    channel, chat = ctx.message.channel, ctx.message.chat_id
    state = await ctx.app.inbox.get_state(channel, chat, ctx.now) or {}
    pending = state.get("broadcast")
    awaiting = (state.get("awaiting") or {}).get("kind") == AWAIT_KIND
    if pending or awaiting:
        await ctx.app.inbox.update_state(channel, chat, ctx.now, broadcast=None, **({"awaiting": None} if awaiting else {}))
    if action != "go":
        return [Reply("Đã hủy thông báo.", edit=True)]
    if not ctx.user.is_coordinator:
        return _refusal(ctx)
    if not pending:
        return ctx.reply("Không có thông báo nào đang chờ gửi (có thể đã gửi hoặc đã quá 30 phút). Gõ /thongbao để soạn lại.")
    outcome = await ctx.app.broadcasts.broadcast(ctx.user, pending["text"], source_key=pending["key"])
    return [Reply(result_text(outcome), edit=True)]


def result_text(outcome: BroadcastOutcome) -> str:
    if outcome.kind != "sent" or outcome.report is None:
        return {"empty": "Thông báo trống, không gửi.", "too_long": "Thông báo quá dài, không gửi."}.get(
            outcome.kind, NOT_ALLOWED
        )
    r = outcome.report
    lines = [f"📣 Đã gửi thông báo tới {r.sent} trưởng đơn vị."]
    if r.already:
        lines.append(f"{r.already} người đã nhận thông báo này trước đó.")
    if r.no_route:
        lines.append(f"⚠️ {r.no_route} người chưa nhận được: chưa mở chat với trợ lý hoặc đã chặn trợ lý.")
    if r.failed:
        lines.append(f"⚠️ {r.failed} tin gửi lỗi (kênh nhắn tin báo lỗi) — xin báo trực tiếp những người này.")
    return "\n".join(lines)
