"""Help, greetings and the polite answer to anything the bot did not understand."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from presentation import help as texts


@intent("help", public=True)
async def show_help(ctx: Context) -> list[Reply]:
    return ctx.reply(texts.help_text(ctx.user, ctx.app.units, topic=getattr(ctx.nlu, "note", None)))


@intent("greeting", public=True)
async def greet(ctx: Context) -> list[Reply]:
    return ctx.reply(texts.greeting_text(ctx.user))


@intent("thanks", public=True)
async def thanks(ctx: Context) -> list[Reply]:
    return ctx.reply(texts.thanks_text(ctx.user))


@intent("goodbye", public=True)
async def goodbye(ctx: Context) -> list[Reply]:
    return ctx.reply(texts.goodbye_text(ctx.user))


@intent("unknown", public=True)
async def not_understood(ctx: Context) -> list[Reply]:
    return ctx.reply(texts.not_understood_text(ctx.user))
