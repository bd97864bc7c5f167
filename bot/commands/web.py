"""`cchc-bot web serve` (the web server alone, e.g. on another host than the bot) and
`cchc-bot web link --unit U --role R [--json]` (a one-time sign-in link, docs/contracts.md §6)."""

from __future__ import annotations

import asyncio
import json
import logging
import signal

from bot.bootstrap import App
from bot.cli import CliError, register
from presentation.people import refusal
from services.web_auth import WebAuthError

log = logging.getLogger(__name__)
DEFAULT_PORT = 8080


@register("web link")
async def cmd_web_link(app: App, args) -> int:
    try:
        link = await app.web_auth.issue_link(now=app.clock.now(), unit_id=args.unit, role=args.role)
    except WebAuthError as exc:
        raise CliError(refusal(exc)) from exc
    expires = link.expires_at.astimezone(app.clock.tz)
    if args.json:
        print(json.dumps({"url": link.url, "expires_at": expires.isoformat()}))
        return 0
    print(f"Đường dẫn đăng nhập (dùng một lần, hết hạn {expires:%H:%M %d/%m/%Y}):")
    print(link.url)
    if link.virtual:
        print(f"Chưa ai đăng ký với vai trò này ở {app.units.name(args.unit)}: đăng nhập bằng người dùng web riêng.")
    return 0


@register("web serve")
async def cmd_web_serve(app: App, args) -> int:
    logging.getLogger().setLevel(app.settings.log_level)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from web.server import create_web_app, serve  # Starlette and Jinja only for this command (~0.1 s)

    settings = app.settings
    port = settings.web_port or DEFAULT_PORT
    try:
        app.web_running = True
        await serve(create_web_app(app), settings.web_listen, port, stop)
    except OSError as exc:
        raise CliError(f"không mở được cổng web {settings.web_listen}:{port} ({exc.strerror or exc})") from None
    return 0
