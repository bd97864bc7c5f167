"""The Zalo channel: the same assistant on the Zalo Bot Platform (see docs/zalo.md).

`serve(app, engine, stop)` is what `cchc-bot run` starts when ZALO_BOT_TOKEN is set: it checks the
token, registers the channel's sender in `app.senders["zalo"]` (reminders and notifications), queues
the updates a previous run stored but did not finish, then long-polls — or, when ZALO_WEBHOOK_URL is
set, registers its webhook with the web server (`web/`, which checks the secret and the body) and
with Zalo (setWebhook) — until `stop` is set. Either way every update is stored in the durable inbox
before it is acknowledged (channel.py).

A setWebhook Zalo refuses is not silent: it is logged as an ERROR with Zalo's description, printed as
one line, and kept in `app.channel_errors["zalo"]`, so /healthz reports the channel down with the
reason. A transient failure (network, 5xx) is retried with backoff; the mark is cleared once Zalo
accepts the webhook.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.channels.startup import until_reachable, wait_or_stop
from bot.cli import CliError
from domain.messages import ZALO, Engine, Webhook

from .channel import ZaloChannel
from .client import ZaloApiError, ZaloClient, check_secret
from .polling import run_polling
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
            await channel.start()
            if settings.zalo_webhook_url:
                sweeper = asyncio.create_task(channel.recovery.sweep(stop), name="zalo-inbox-sweep")
                try:
                    await _run_webhook(channel, app, stop, backoff=poll_backoff)
                finally:
                    sweeper.cancel()
            else:
                await run_polling(channel, stop, backoff=poll_backoff)
        finally:
            if app.senders.get(ZALO) is channel.sender:
                del app.senders[ZALO]
            app.channel_errors.pop(ZALO, None)
            await channel.aclose()
    finally:
        await client.aclose()


async def _bot_info(client: ZaloClient, stop: asyncio.Event) -> dict[str, Any] | None:
    """getMe until it answers: a refused token stops the channel with a clear message, while a network
    outage at start-up is waited out (bot/channels/startup.py)."""
    try:
        return await until_reachable(client.get_me, stop, what="Zalo getMe",
                                     transient=lambda exc: isinstance(exc, ZaloApiError) and exc.transient)
    except ZaloApiError as exc:
        raise ZaloConfigError(f"Zalo từ chối ZALO_BOT_TOKEN ({exc.code} {exc.description})".strip()) from None


def webhook_path(url: str) -> str:
    """The path Zalo will POST to, taken from the public URL (the proxy forwards it unchanged)."""
    return urlsplit(url).path or "/"


async def _run_webhook(channel: ZaloChannel, app: App, stop: asyncio.Event, *, backoff: float = 1.0) -> None:
    """Webhook mode: the web server answers Zalo's POSTs (secret checked in constant time before the
    body is read, body capped, bad JSON refused) and hands each update to `channel.accept`, which
    stores it in the inbox before the 200 goes back; the dispatcher handles it from there."""
    settings = app.settings
    url = settings.zalo_webhook_url or ""
    secret = settings.zalo_webhook_secret or ""
    if not url.startswith("https://"):
        log.warning("ZALO_WEBHOOK_URL should be an https:// address; Zalo may refuse %s", url.split("?")[0])
    if not settings.web_port:
        log.warning("ZALO_WEBHOOK_URL is set but WEB_PORT is not: nothing listens for Zalo's requests")

    hook = Webhook(ZALO, webhook_path(url), secret, SECRET_HEADER, channel.accept)
    app.webhooks[ZALO] = hook
    try:
        await _register_webhook(channel.client, app, url, secret, stop, backoff=backoff)
        await stop.wait()
    finally:
        if app.webhooks.get(ZALO) is hook:
            del app.webhooks[ZALO]


async def _register_webhook(
    client: ZaloClient, app: App, url: str, secret: str, stop: asyncio.Event, *, backoff: float = 1.0,
    max_backoff: float = 300.0,
) -> bool:
    """setWebhook, with its outcome checked: `{"ok": true, "result": …}` registers the webhook;
    `{"ok": false, "error_code": …, "description": …}` (or an HTTP failure) marks the channel down in
    `app.channel_errors` with Zalo's description, logs an ERROR and prints one line. A transient
    failure is tried again with backoff until it succeeds or the channel stops; a refusal (a URL or a
    secret Zalo will not take) is not retried — the operator must fix the setting. True once set."""
    delay = backoff
    printed = False
    while not stop.is_set():
        try:
            await client.set_webhook(url, secret)
        except ZaloApiError as exc:
            reason = f"Zalo setWebhook thất bại ({exc.code or 'lỗi mạng'}: {exc.description or 'không rõ lý do'})"
            app.channel_errors[ZALO] = reason
            log.error("Zalo webhook not registered for %s: %s", url.split("?")[0], reason)
            if not printed:
                print(f"cchc-bot: Zalo không nhận được tin nhắn: {reason} — kiểm tra ZALO_WEBHOOK_URL "
                      "(Zalo phải truy cập được địa chỉ này qua HTTPS)", file=sys.stderr, flush=True)
                printed = True
            if not exc.transient:
                return False
            if await wait_or_stop(stop, delay):
                return False
            delay = min(max_backoff, delay * 2)
            continue
        if ZALO in app.channel_errors:
            log.info("Zalo webhook registered after all; the channel is up")
        app.channel_errors.pop(ZALO, None)
        log.info("zalo: webhook %s served by the web server", url.split("?")[0])
        return True
    return False
