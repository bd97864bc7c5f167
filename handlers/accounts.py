"""One person on two messengers: «/lienket» gives a code to send from the other messenger, and
«nhắc qua zalo» / «nhắc qua telegram» (or /nhacqua and a choice) says where reminders go.

Why here and not in registration: linking must start from an account that is already trusted (the
code is bound to this user), and the choice of channel is the person's own, not the office's.
"""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import TELEGRAM, ZALO, Button, Reply
from domain.text import fold
from services.account_service import CHANNEL_NAMES, MESSENGERS, Accounts

_ALIASES = {ZALO: ("zalo", "za lo"), TELEGRAM: ("telegram", "tele", "tlg", "tg")}


def channel_named(text: str) -> str | None:
    """Which messenger a message names ("nhắc qua Zalo", "nhac qua tele"), if exactly one."""
    words = f" {fold(text)} "
    found = {c for c, names in _ALIASES.items() if any(f" {n} " in words for n in names)}
    return found.pop() if len(found) == 1 else None


@intent("link_account")
async def link_account(ctx: Context) -> list[Reply]:
    invite = await ctx.app.users.link_invite(ctx.user, ctx.now)
    here = ctx.message.channel
    other = {TELEGRAM: "Zalo", ZALO: "Telegram"}.get(here, "Telegram hoặc Zalo")
    lines = [
        f"🔗 Mã liên kết: **{invite.code}** (dùng một lần, hết hạn {invite.expires_at:%H:%M %d/%m/%Y}).",
        f"Mở trợ lý CCHC trên {other} và gửi: đăng ký {invite.code}",
    ]
    username = ctx.app.config.telegram_bot_username
    if here != TELEGRAM and username:
        lines.append(f"Trên Telegram có thể bấm: https://t.me/{username.lstrip('@')}?start={invite.code}")
    lines.append("Sau đó chọn nơi nhận nhắc việc: «nhắc qua zalo» hoặc «nhắc qua telegram».")
    return [Reply("\n".join(lines), private_only=True)]  # the code is a credential: never in a group


@intent("reminder_channel")
async def reminder_channel(ctx: Context) -> list[Reply]:
    return await _choose(ctx, channel_named(ctx.message.text))


@callback("rc")
async def reminder_channel_button(ctx: Context) -> list[Reply]:
    """rc:<channel> — from the list shown by /nhacqua."""
    return await _choose(ctx, ctx.args[0] if ctx.args and ctx.args[0] in MESSENGERS else None)


async def _choose(ctx: Context, wanted: str | None) -> list[Reply]:
    service = ctx.app.accounts
    if wanted is None:
        return _overview(await service.accounts(ctx.user.id))
    outcome = await service.set_preferred(ctx.user.id, wanted)
    name = CHANNEL_NAMES[wanted]
    if outcome.key == "no_account":
        return ctx.reply(
            f"Anh/chị chưa liên kết tài khoản {name} với trợ lý. Gõ /lienket để nhận mã, rồi gửi "
            f"«đăng ký MÃ» cho trợ lý trên {name}; sau đó nhắn lại «nhắc qua {wanted}»."
        )
    text = f"✅ Từ nay nhắc việc gửi qua **{name}**."
    if wanted in outcome.accounts.unreachable:
        text += f"\nLưu ý: lần trước trợ lý không gửi được tin cho tài khoản {name} này (đã chặn trợ lý?)."
    return ctx.reply(text)


def _overview(accounts: Accounts) -> list[Reply]:
    linked = ", ".join(CHANNEL_NAMES[c] for c in accounts.channels) or "chưa có"
    current = CHANNEL_NAMES.get(accounts.preferred or "", "chưa chọn (gửi qua tài khoản đã đăng ký)")
    text = f"Nhắc việc đang gửi qua: **{current}**.\nTài khoản đã liên kết: {linked}."
    buttons = [[Button(f"📱 Nhắc qua {CHANNEL_NAMES[c]}", f"rc:{c}") for c in accounts.channels]]
    missing = [CHANNEL_NAMES[c] for c in MESSENGERS if c not in accounts.channels]
    if missing:
        text += f"\nĐể nhận nhắc qua {' hoặc '.join(missing)}: gõ /lienket để nhận mã liên kết."
    return [Reply(text, buttons=buttons if accounts.channels else [])]
