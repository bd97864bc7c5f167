"""/thongbao <nội dung>: a coordinator's short notice to every unit head.

A notice to everyone cannot be unsent, so the bot shows it back and sends only after «Gửi» is pressed.
The text waits in the coordinator's own chat state (not in the button), so a forwarded button is
useless to anyone else, and every press is re-authorised. Sending goes through the reminders' paced,
idempotent path (`services.broadcast_service`): pressing «Gửi» twice still reaches each head once.
"""

from __future__ import annotations

import uuid

from conversation import state
from conversation.callbacks import Broadcast
from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import Reply
from presentation import broadcast as texts
from presentation.broadcast import result_text
from services.access import Permission, coordinating
from services.broadcast_service import MAX_NOTICE_CHARS

__all__ = ["decide", "press", "result_text", "start", "text_given"]

AWAIT_KIND = "broadcast_text"


def _refusal(ctx: Context) -> list[Reply]:
    read_only = coordinating(ctx.sender) is Permission.READ_ONLY
    return ctx.reply(texts.READ_ONLY if read_only else texts.NOT_ALLOWED)


@intent("broadcast")
async def start(ctx: Context) -> list[Reply]:
    if coordinating(ctx.sender) is not Permission.ALLOWED:
        return _refusal(ctx)
    text = (getattr(ctx.nlu, "note", None) or "").strip()
    if not text:
        await state.change(ctx, awaiting={"kind": AWAIT_KIND})
        return [texts.ask_text(MAX_NOTICE_CHARS)]
    return await _confirm(ctx, text)


@intent(f"await:{AWAIT_KIND}")
async def text_given(ctx: Context) -> list[Reply]:
    if coordinating(ctx.sender) is not Permission.ALLOWED:
        return _refusal(ctx)
    return await _confirm(ctx, ctx.message.text.strip())


async def _confirm(ctx: Context, text: str) -> list[Reply]:
    if len(text) > MAX_NOTICE_CHARS:
        return ctx.reply(texts.too_long(len(text), MAX_NOTICE_CHARS))
    heads = await ctx.app.broadcasts.head_count()
    if heads == 0:
        return ctx.reply(texts.NO_HEADS)
    key = ctx.message.idempotency_key or uuid.uuid4().hex
    await state.change(ctx, broadcast={"text": text, "key": key})
    return [texts.preview(text, heads)]


@callback(Broadcast)
async def press(ctx: Context) -> list[Reply]:
    return await decide(ctx, ctx.pressed(Broadcast).action == "go", edit=True)


async def decide(ctx: Context, go: bool, *, edit: bool) -> list[Reply]:
    """«Gửi» / «Hủy» pressed, or typed («ok luôn», «thôi khỏi»: handlers/update_status.py `_confirm`)."""
    chat = await state.load(ctx)
    pending = chat.broadcast
    awaiting = chat.awaiting_kind == AWAIT_KIND
    if pending or awaiting:
        await state.change(ctx, broadcast=None, **({"awaiting": None} if awaiting else {}))
    if not go:
        return [Reply(texts.CANCELLED, edit=edit)]
    if coordinating(ctx.sender) is not Permission.ALLOWED:
        return _refusal(ctx)
    if not pending:
        return ctx.reply(texts.NOTHING_WAITING)
    outcome = await ctx.app.broadcasts.broadcast(ctx.sender, pending["text"], source_key=pending["key"], notice=texts.notice)
    return [Reply(result_text(outcome), edit=edit)]
