"""«tôi là ai», /toi: the sender's role and unit as the bot knows them."""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from presentation.help import whoami_text


@intent("whoami")
async def whoami(ctx: Context) -> list[Reply]:
    return ctx.reply(whoami_text(ctx.sender, ctx.app.units))
