"""The Zalo channel: the same assistant on the Zalo Bot Platform (see docs/zalo.md).

`serve(app, engine, stop)` is what `cchc-bot run` starts when ZALO_BOT_TOKEN is set: it checks the
token, registers the channel's sender in `app.senders["zalo"]` (reminders and notifications), then
long-polls — or, when ZALO_WEBHOOK_URL is set, registers its webhook with the web server (`web/`,
which checks the secret and the body) — until `stop` is set.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.cli import CliError
from domain.messages import ZALO, Engine, Webhook

from .channel import ZaloChannel
from .client import ZaloApiError, ZaloClient, check_secret
from .polling import run_polling, wait_or_stop
from .sender import ZaloSender

SECRET_HEADER = "x-bot-api-secret-token"  # Zalo sends the secret given to setWebhook in this header

if TYPE_CHECKING:
    from bot.bootstrap import App

__all__ = ["ZaloApiError", "ZaloChannel", "ZaloClient", "ZaloConfigError", "ZaloSender", "serve"]

log = logging.getLogger(__name__)


class ZaloConfigError(CliError):
    """A setting makes the channel unusable (refused token, bad webhook secret): the operator must act,
    so `cchc-bot run` stops with this one line instead of a traceback."""


async def serve(
    app: App, engine: Engine, stop: asyncio.Event, *, client: ZaloClient | None = None, poll_backoff: float = 1.0
) -> None:
    """Run the Zalo channel until `stop`. `client`/`poll_backoff` let tests use a fake server and fast
    retries."""
    settings = app.settings
    if client is None and not settings.zalo_bot_token:
        raise ZaloConfigError("ZALO_BOT_TOKEN chưa được đặt")
    if settings.zalo_webhook_url:  # fail before touching the network: the operator must fix it anyway
        try:
            check_secret(settings.zalo_webhook_secret)
        except ValueError as exc:
            raise ZaloConfigError(str(exc)) from None
    client = client or ZaloClient(settings.zalo_bot_token or "", settings.zalo_base_url)
    try:
        me = await _bot_info(client, stop)
        if me is None:
            return
        names = [str(me[k]) for k in ("account_name", "display_name", "name") if me.get(k)]
        log.info("Zalo bot: %s", names[0] if names else me.get("id", "?"))
        channel = ZaloChannel(app, engine, client, bot_names=names)
        await channel.load_unreachable()
        app.senders[ZALO] = channel.sender
        try:
            if settings.zalo_webhook_url:
                await _run_webhook(channel, app, stop)
            else:
                await run_polling(channel, stop, backoff=poll_backoff)
        finally:
            if app.senders.get(ZALO) is channel.sender:
                del app.senders[ZALO]
            await channel.aclose()
    finally:
        await client.aclose()


async def _bot_info(client: ZaloClient, stop: asyncio.Event) -> dict[str, Any] | None:
    """getMe until it answers: a refused token stops the channel with a clear message, while a network
    outage at start-up is waited out (the bot may boot before the network does)."""
    delay = 2.0
    while not stop.is_set():
        try:
            return await client.get_me()
        except ZaloApiError as exc:
            if not exc.transient:
                raise ZaloConfigError(f"Zalo từ chối ZALO_BOT_TOKEN ({exc.code} {exc.description})".strip()) from None
            log.warning("Zalo getMe failed (%s); retrying in %.0fs", exc, delay)
            if await wait_or_stop(stop, delay):
                return None
            delay = min(60.0, delay * 2)
    return None


def webhook_path(url: str) -> str:
    """The path Zalo will POST to, taken from the public URL (the proxy forwards it unchanged)."""
    return urlsplit(url).path or "/"


async def _run_webhook(channel: ZaloChannel, app: App, stop: asyncio.Event) -> None:
    """Webhook mode: the web server answers Zalo's POSTs (secret checked in constant time before the
    body is read, body capped, bad JSON refused) and hands each update to `channel.submit`, which
    handles it in the background so Zalo is answered at once."""
    settings = app.settings
    url = settings.zalo_webhook_url or ""
    secret = settings.zalo_webhook_secret or ""
    if not url.startswith("https://"):
        log.warning("ZALO_WEBHOOK_URL should be an https:// address; Zalo may refuse %s", url.split("?")[0])
    if not settings.web_port:
        log.warning("ZALO_WEBHOOK_URL is set but WEB_PORT is not: nothing listens for Zalo's requests")

    async def submit(update: dict) -> None:
        channel.submit(update)

    hook = Webhook(ZALO, webhook_path(url), secret, SECRET_HEADER, submit)
    app.webhooks[ZALO] = hook
    try:
        try:
            await channel.client.set_webhook(url, secret)
        except ZaloApiError as exc:
            raise ZaloConfigError(f"Zalo setWebhook thất bại: {exc}") from None
        await stop.wait()
    finally:
        if app.webhooks.get(ZALO) is hook:
            del app.webhooks[ZALO]
