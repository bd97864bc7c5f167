"""Joining with a one-time invite code ("đăng ký K7Q2XP", /start K7Q2XP from a deep link)."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from presentation import help as texts
from presentation.status import too_many_guesses
from services.user_service import RegisterKind


@intent("register", public=True)
async def register(ctx: Context) -> list[Reply]:
    code = (ctx.nlu.code or "").upper()
    if not code:
        return ctx.reply(texts.REGISTER_NO_CODE)
    msg = ctx.message
    outcome = await ctx.app.users.register(
        channel=msg.channel, external_id=msg.sender_id, chat_id=msg.chat_id, code=code,
        display_name=msg.sender_name, now=ctx.now,
    )
    units = ctx.app.units
    if outcome.message_key is RegisterKind.ALREADY:
        return ctx.reply(texts.already_registered(outcome.user, units))
    if outcome.message_key is RegisterKind.THROTTLED:
        return ctx.reply(too_many_guesses(outcome.wait_seconds))
    if not outcome.ok:
        return ctx.reply(texts.register_failed(outcome.message_key, code))
    if outcome.message_key is RegisterKind.LINKED:
        return ctx.reply(texts.linked(msg.channel, units.name(outcome.person.unit_id)))
    return ctx.reply(texts.registered(outcome.person, units))
