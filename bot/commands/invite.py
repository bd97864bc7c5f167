"""`cchc-bot invite --unit UNIT --role ROLE [--json]`: a one-time, expiring registration code."""

from __future__ import annotations

import json
import logging

import httpx

from bot.bootstrap import App
from bot.cli import CliError, register
from services.user_service import InviteError

log = logging.getLogger(__name__)


async def bot_username(app: App) -> str | None:
    settings = app.settings
    if settings.telegram_bot_username:
        return settings.telegram_bot_username.lstrip("@")
    if not settings.telegram_bot_token:
        return None
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.post(f"{settings.telegram_base_url}{settings.telegram_bot_token}/getMe")
            return response.json()["result"]["username"]
    except (httpx.HTTPError, KeyError, ValueError):
        log.warning("getMe failed; invite link left empty (set TELEGRAM_BOT_USERNAME)")
        return None


@register("invite")
async def cmd_invite(app: App, args) -> int:
    try:
        invite = await app.users.create_invite(args.unit, args.role, now=app.clock.now())
    except InviteError as exc:
        raise CliError(str(exc)) from exc
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
