"""One person on two messengers: «/lienket» gives a code to send from the other messenger, and
«nhắc qua zalo» / «nhắc qua telegram» (or /nhacqua and a choice) says where reminders go.

Why here and not in registration: linking must start from an account that is already trusted (the
code is bound to this user), and the choice of channel is the person's own, not the office's.
"""

from __future__ import annotations

from conversation.callbacks import ReminderChannel
from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import TELEGRAM, ZALO, Reply
from domain.text import fold
from presentation import accounts as texts
from services.account_service import MESSENGERS, Accounts

_ALIASES = {ZALO: ("zalo", "za lo"), TELEGRAM: ("telegram", "tele", "tlg", "tg")}


def channel_named(text: str) -> str | None:
    """Which messenger a message names ("nhắc qua Zalo", "nhac qua tele"), if exactly one."""
    words = f" {fold(text)} "
    found = {c for c, names in _ALIASES.items() if any(f" {n} " in words for n in names)}
    return found.pop() if len(found) == 1 else None


@intent("link_account")
async def link_account(ctx: Context) -> list[Reply]:
    invite = await ctx.app.users.link_invite(ctx.sender, ctx.now)
    here = ctx.message.channel
    other = texts.other_messenger(here)
    username = ctx.app.config.telegram_bot_username
    link = f"https://t.me/{username.lstrip('@')}?start={invite.code}" if here != TELEGRAM and username else None
    text = texts.link_code(invite.code, invite.expires_at, other, link)
    return [Reply(text, private_only=True)]  # the code is a credential: never in a group


@intent("reminder_channel")
async def reminder_channel(ctx: Context) -> list[Reply]:
    return await _choose(ctx, channel_named(ctx.message.text))


@callback(ReminderChannel)
async def reminder_channel_button(ctx: Context) -> list[Reply]:
    """rc:<channel> — from the list shown by /nhacqua."""
    channel = ctx.pressed(ReminderChannel).channel
    return await _choose(ctx, channel if channel in MESSENGERS else None)


async def _choose(ctx: Context, wanted: str | None) -> list[Reply]:
    service = ctx.app.accounts
    if wanted is None:
        return _overview(await service.accounts(ctx.sender.id))
    outcome = await service.set_preferred(ctx.sender.id, wanted)
    name = texts.CHANNEL_NAMES[wanted]
    if outcome.key == "no_account":
        return ctx.reply(texts.no_account(name, wanted))
    return ctx.reply(texts.channel_set(name, unreachable=wanted in outcome.accounts.unreachable))


def _overview(accounts: Accounts) -> list[Reply]:
    return [texts.accounts_overview(accounts.preferred, accounts.channels, MESSENGERS)]
