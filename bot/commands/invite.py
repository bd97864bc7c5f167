"""`cchc-bot invite --unit UNIT --role ROLE [--json]`: a one-time, expiring registration code."""

from __future__ import annotations

import json

from bot.bootstrap import App
from bot.cli import CliError, register
from presentation.people import refusal
from services.user_service import InviteError


async def bot_username(app: App) -> str | None:
    """The Telegram bot's username for the deep link (the Telegram channel asks getMe). Imported here,
    like `run` does: python-telegram-bot loads only when a command needs it."""
    from bot.channels.telegram import bot_username as lookup

    return await lookup(app.settings)


@register("invite")
async def cmd_invite(app: App, args) -> int:
    try:
        invite = await app.users.create_invite(args.unit, args.role, now=app.clock.now())
    except InviteError as exc:
        raise CliError(refusal(exc)) from exc
    username = await bot_username(app)
    link = f"https://t.me/{username}?start={invite.code}" if username else None
    if args.json:
        print(json.dumps({"code": invite.code, "telegram_link": link, "expires_at": invite.expires_at.isoformat()}))
        return 0
    print(f"Mã mời: {invite.code} — {app.units.name(invite.unit_id)}, vai trò {invite.role}")
    print(f"Hết hạn: {invite.expires_at:%d/%m/%Y %H:%M}")
    print(f"Telegram: {link}" if link else "Telegram: (đặt TELEGRAM_BOT_USERNAME để in đường dẫn)")
    print(f"Người dùng gửi cho bot: đăng ký {invite.code}")
    return 0
