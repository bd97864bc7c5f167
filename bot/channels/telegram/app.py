"""The Telegram channel on python-telegram-bot 22: building the `Application`, long polling or a
webhook, and the glue between Telegram updates and the conversation engine.

Design choices, and why:
- One `TypeHandler` receives every update and hands it to `TelegramChannel`; PTB's command and
  message filters are not used because the engine's NLU already understands "/nv 17" and "nv 17"
  alike — two routing layers would disagree sooner or later.
- Nothing fetched is lost: the Updater's update queue is a `DurableQueue` whose `put` stores the update
  in the durable inbox (committed) — PTB confirms the getUpdates offset, or answers the webhook's 200,
  only after `put` returned. Updates are then handled from the stored rows by a `FairDispatcher`
  (services/dispatch.py): in order within a chat, one worker at most per chat, chats round-robin, a
  flooding chat served at a sustained rate. At start the unfinished rows are handled first.
- Exactly-once: each stored row goes through the message pipeline (bot/channels/pipeline.py): marked
  done in the same transaction as the handling's effects (storage/uow.py); the answers are stored with
  the row and the row is marked answered once they are sent (a crash in between re-sends them at the
  next start). This module is the pipeline's Telegram side (`incoming`, `deliver`, `apologise`).
- `PacedRateLimiter` paces every send per chat and per bot (services/pacing.py; the per-bot budget is
  shared through PostgreSQL when several processes run) and retries a 429 after Telegram's
  `retry_after`, pausing only that chat.
- The bot token is part of every Bot API URL, and PTB/httpx log URLs: `hide_secret` redacts it from
  every log record before any handler sees it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import urllib.parse
from typing import TYPE_CHECKING, Any

from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, BaseRateLimiter, Updater

from bot.channels.pipeline import Pipeline
from bot.channels.startup import until_reachable
from bot.channels.stored_updates import STOP_GRACE, stored_update_workers
from bot.channels.telegram.adapter import Parsed, UpdateAdapter
from bot.channels.telegram.pacing import PacedRateLimiter
from bot.channels.telegram.sender import TelegramSender
from conversation.intents import menu_commands
from domain.messages import (
    TELEGRAM,
    Engine,
    Incoming,
    Reply,
    RetryLater,
    Unreachable,
    Webhook,
)
from presentation import channels as texts
from presentation import inbox as inbox_texts
from presentation.common import APOLOGY
from services.inbox import StoredUpdate

if TYPE_CHECKING:
    from bot.bootstrap import App
    from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_RETRIES = 3  # a 429 is retried this many times (after Telegram's retry_after) before giving up
POLL_TIMEOUT = 10  # seconds a getUpdates long poll stays open
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
# The command menu (setMyCommands) comes from the intent table, like the help and the slash commands.
COMMANDS = menu_commands()


# -- the token never reaches a log ----------------------------------------------------------------
_SECRETS: set[str] = set()
_previous_factory = None


def hide_secret(secret: str | None) -> None:
    """Redact `secret` from every log record created from now on (message, arguments, traceback).

    A record factory is used rather than a `logging.Filter` because filters on a logger do not see
    records of its children (PTB and httpx log from many loggers), and handlers are configured
    elsewhere (the CLI, pytest)."""
    global _previous_factory
    if not secret or len(secret) < 8:
        return
    _SECRETS.add(secret)
    if _previous_factory is None:
        _previous_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_redacting_factory)


def redact(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, "<TOKEN>")
    return text


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)  # type: ignore[misc]
    try:
        message = record.getMessage()
    except Exception:  # a malformed record stays as it is; logging reports it later
        return record
    if any(secret in message for secret in _SECRETS):
        record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


# -- the channel ------------------------------------------------------------------------------------
class TelegramChannel:
    """Telegram updates in, engine replies out."""

    def __init__(self, app: App, engine: Engine, application: Application) -> None:
        self.app = app
        self.engine = engine
        self.application = application
        self.bot = application.bot
        self.sender = TelegramSender(self.bot, on_unreachable=self._mark_unreachable)
        self.adapter: UpdateAdapter | None = None
        self.username = ""
        self._unreachable: set[str] = set()
        self.channel = TELEGRAM
        self.pipeline = Pipeline(app.inbox, engine, self, app.clock.now)
        self.dispatcher, self.recovery = stored_update_workers(
            app, TELEGRAM, self.process, on_throttled=self._too_fast,
            others_may_run=bool(app.settings.telegram_webhook_url),  # long polling has one consumer per bot
            is_group=lambda chat_key: str(chat_key).startswith("-"),  # Telegram's group chat ids are negative
        )

    async def start(self) -> None:
        """After `Application.initialize` (getMe): learn the bot's username, load the chats known to
        have blocked the bot, publish the command menu."""
        self.username = (self.app.settings.telegram_bot_username or self.bot.username or "").lstrip("@")
        self.adapter = UpdateAdapter(self.bot, self.username)
        self._unreachable = await self.app.reachability.unreachable_chats(TELEGRAM)
        try:
            await self.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
        except TelegramError:  # the menu is a convenience; the bot answers without it
            log.warning("setMyCommands failed; the command menu is not updated", exc_info=True)

    @property
    def private_link(self) -> str:
        return f"https://t.me/{self.username}"

    # -- the durable inbox -----------------------------------------------------------------------------
    async def accept(self, update: Update) -> None:
        """Store `update` in the inbox — committed — and queue it for handling. Called by the Updater
        (through `DurableQueue.put`) before it confirms the update to Telegram."""
        chat = update.effective_chat or update.effective_user
        chat_key = str(chat.id) if chat is not None else ""
        stored = await self.app.inbox.store_until_stored(
            TELEGRAM, str(update.update_id), chat_key, update.to_dict(), self.app.clock.now)
        if stored is not None:
            self.recovery.hold(stored)

    async def recover(self) -> int:
        """Queue the updates a previous run stored but did not finish (before any new one). With
        webhooks only the rows no live worker is handling (services/inbox.py `Recovery`)."""
        return await self.recovery.take()

    async def process(self, row: StoredUpdate) -> None:
        """Handle one stored update (bot/channels/pipeline.py)."""
        await self.pipeline.process(row)

    # -- the pipeline's port: understanding and replying the Telegram way ----------------------------
    async def incoming(self, row: StoredUpdate) -> Incoming | None:
        """The stored update as a message for the engine; what the engine does not see (membership
        changes, edits, stickers) is answered here, and None returned."""
        assert self.adapter is not None, "TelegramChannel.start() not called"
        parsed = self.adapter.parse(Update.de_json(row.payload, self.bot))
        if parsed.kind != "message":
            await self._simple(parsed)
            return None
        if row.state == "new":
            if parsed.callback_id is not None:
                await self._answer_callback(parsed.callback_id)
            await self._reachable_again(parsed)
        return parsed.incoming

    def busy(self, message: Incoming) -> contextlib.AbstractAsyncContextManager[object]:
        return contextlib.nullcontext()

    async def apologise(self, row: StoredUpdate) -> None:
        assert self.adapter is not None, "TelegramChannel.start() not called"
        chat_id = self.adapter.parse(Update.de_json(row.payload, self.bot)).chat_id
        if chat_id is not None:
            try:
                await self.bot.send_message(chat_id, APOLOGY)
            except TelegramError:
                log.warning("apology to chat %s not delivered", chat_id)

    async def _too_fast(self, chat_key: object, row: StoredUpdate) -> None:
        with contextlib.suppress(Unreachable):
            await self.sender.deliver(str(chat_key), Reply(inbox_texts.TOO_FAST))

    # -- updates the engine does not see ------------------------------------------------------------
    async def _reachable_again(self, parsed: Parsed) -> None:
        if not parsed.is_group and parsed.chat_id is not None and str(parsed.chat_id) in self._unreachable:
            await self._mark_reachable(str(parsed.chat_id))  # they write again: they unblocked the bot

    async def _simple(self, parsed: Parsed) -> None:
        """Updates the engine does not see: membership changes, edits, things the bot cannot read."""
        if parsed.kind == "membership":
            await self._membership(parsed)
            return
        if parsed.kind == "ignored":
            return
        await self._reachable_again(parsed)
        if parsed.kind == "unsupported":
            await self.sender.deliver(parsed.chat, Reply(texts.TELEGRAM_UNSUPPORTED))
        elif parsed.kind == "edited":
            await self.sender.deliver(parsed.chat, Reply(inbox_texts.EDITED))
        elif parsed.kind == "start_in_group":
            await self.sender.deliver(parsed.chat, Reply(texts.TELEGRAM_START_IN_GROUP), markup=self._private_button())

    async def deliver(self, message: Incoming, reply: Reply) -> None:
        """One reply: to another chat when it says so (notifications), privately when it holds unit
        data and the question came from a group, else where the question came from (a pressed
        button's answer replaces the message that carried it)."""
        if reply.chat_id is not None:
            await self._push(reply.chat_id, reply)
            return
        if message.is_group and reply.private_only:
            await self._send_privately(message, reply)
            return
        edit = int(message.source_id) if message.callback_data is not None and message.source_id else None
        try:
            await self.sender.deliver(message.chat_id, reply, edit_message_id=edit)
        except Unreachable:
            log.info("reply to chat %s not delivered: the bot cannot write there", message.chat_id)

    async def _push(self, chat_id: str, reply: Reply) -> None:
        sender = self.app.senders.get(reply.channel or TELEGRAM) or (self.sender if reply.channel in (None, TELEGRAM) else None)
        if sender is None:
            log.warning("no running sender for channel %s; notification dropped", reply.channel)
            return
        try:
            await sender.send(chat_id, reply)
        except (Unreachable, RetryLater) as exc:
            log.info("notification to %s:%s not delivered: %s", reply.channel or TELEGRAM, reply.chat_id, exc)

    async def _send_privately(self, message: Incoming, reply: Reply) -> None:
        name = message.sender_name or texts.SOMEONE
        try:
            await self.sender.deliver(message.sender_id, reply)
        except Unreachable:  # never started the bot (or blocked it): say so in the group, with the way out
            await self.sender.deliver(
                message.chat_id, Reply(texts.TELEGRAM_OPEN_PRIVATE_CHAT.format(name=name)), markup=self._private_button()
            )
            return
        await self.sender.deliver(message.chat_id, Reply(texts.TELEGRAM_SENT_PRIVATELY.format(name=name)))

    def _private_button(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton(texts.OPEN_PRIVATE_CHAT_BUTTON, url=self.private_link)]])

    async def _answer_callback(self, callback_id: str) -> None:
        """Stop the button's spinner at once; the answer itself comes as a message."""
        try:
            await self.bot.answer_callback_query(callback_id)
        except TelegramError as exc:  # too old a query: the press is still handled
            log.debug("answerCallbackQuery failed: %s", exc)

    # -- reachability --------------------------------------------------------------------------------
    async def _membership(self, parsed: Parsed) -> None:
        chat = str(parsed.chat_id)
        if parsed.blocked:
            await self._mark_unreachable(chat)
        else:
            await self._mark_reachable(chat)

    async def _mark_unreachable(self, chat_id: str) -> None:
        self._unreachable.add(chat_id)
        await self.app.reachability.set_reachable(TELEGRAM, chat_id, False)

    async def _mark_reachable(self, chat_id: str) -> None:
        self._unreachable.discard(chat_id)
        await self.app.reachability.set_reachable(TELEGRAM, chat_id, True)


def build_application(
    app: App,
    engine: Engine,
    *,
    rate_limiter: BaseRateLimiter | None = None,
) -> tuple[Application, TelegramChannel]:
    """PTB's `Application` — used for its `Bot` (requests, the rate limiter), never started: updates
    reach the channel through the durable inbox, not through PTB's handlers — and the channel."""
    settings = app.settings
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    hide_secret(settings.telegram_bot_token)
    hide_secret(settings.telegram_webhook_secret)
    application = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .rate_limiter(rate_limiter or PacedRateLimiter(app.pacer, max_retries=MAX_RETRIES))
        .updater(None)
        .media_write_timeout(60)
        .build()
    )
    return application, TelegramChannel(app, engine, application)


async def bot_username(settings: Settings) -> str | None:
    """The bot's @username for t.me links: TELEGRAM_BOT_USERNAME, else asked with getMe (the Bot's
    own request machinery, same base URL as the channel); None without a token or when Telegram
    cannot be reached (the caller prints the code without a link)."""
    if settings.telegram_bot_username:
        return settings.telegram_bot_username.lstrip("@")
    if not settings.telegram_bot_token:
        return None
    bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_base_url,
              base_file_url=settings.telegram_base_file_url)
    try:
        async with bot:  # initialize() calls getMe
            return bot.username
    except TelegramError:
        log.warning("getMe failed; invite link left empty (set TELEGRAM_BOT_USERNAME)")
        return None


class DurableQueue(asyncio.Queue):
    """The Updater's update queue: `put` returns only once the update is stored in the inbox, and PTB
    confirms an update (the next getUpdates offset, the webhook's 200) only after `put` returned."""

    def __init__(self, channel: TelegramChannel) -> None:
        super().__init__()
        self.channel = channel

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            await self.channel.accept(item)


def loop_time() -> float:
    return asyncio.get_running_loop().time()


SECRET_HEADER = "x-telegram-bot-api-secret-token"


def webhook_path(url: str) -> str:
    """The path the web server answers Telegram on: the public URL's path (a reverse proxy forwards
    https://host/telegram to http://WEB_LISTEN:WEB_PORT/telegram)."""
    return urllib.parse.urlsplit(url).path or "/"


def webhook(channel: TelegramChannel, url: str, secret: str) -> Webhook:
    """python-telegram-bot's custom-webhook pattern: the web server's route checks the secret and the
    body, and this stores the decoded update in the durable inbox — the route answers Telegram's 200 only
    after it returned, so an update Telegram was told we have is never lost."""

    async def submit(data: dict) -> None:
        await channel.accept(Update.de_json(data, channel.application.bot))

    return Webhook(TELEGRAM, webhook_path(url), secret, SECRET_HEADER, submit)


async def serve(
    app: App, router: Engine, stop: asyncio.Event, *, rate_limiter: BaseRateLimiter | None = None
) -> None:
    """Run the Telegram channel until `stop` is set (called by `cchc-bot run`).

    Long polling by default; a webhook when TELEGRAM_WEBHOOK_URL is set (then TELEGRAM_WEBHOOK_SECRET
    is required: Telegram sends it in every request and PTB refuses requests without it).
    `rate_limiter` replaces the default `PacedRateLimiter` (the benchmark lifts the pacing to measure
    the bot rather than Telegram's flood limit). On `stop` the updates in hand get `STOP_GRACE`
    seconds; everything else stays in the inbox for the next start."""
    from bot.cli import CliError

    settings = app.settings
    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        raise CliError("TELEGRAM_WEBHOOK_SECRET là bắt buộc khi đặt TELEGRAM_WEBHOOK_URL (chuỗi ngẫu nhiên A-Z, a-z, 0-9, _ -)")
    if logging.getLogger("httpx").level == logging.NOTSET:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per long poll is noise
    application, channel = build_application(app, router, rate_limiter=rate_limiter)

    async def initialize() -> bool:  # getMe and the command menu
        await application.initialize()
        return True

    try:  # a network outage at start-up is waited out; a refused token is not
        ready = await until_reachable(initialize, stop, what="Telegram Bot API",
                                      transient=lambda exc: isinstance(exc, NetworkError))
    except InvalidToken:
        raise CliError("Telegram từ chối TELEGRAM_BOT_TOKEN (kiểm tra lại token do @BotFather cấp)") from None
    if not ready:  # stopped while Telegram could not be reached
        await application.shutdown()
        return
    updater = Updater(application.bot, DurableQueue(channel))
    sweeper: asyncio.Task | None = None
    try:
        await channel.start()
        app.senders[TELEGRAM] = channel.sender
        await channel.recover()
        channel.dispatcher.start()
        sweeper = asyncio.create_task(channel.recovery.sweep(stop), name="telegram-inbox-sweep")
        await updater.initialize()
        if settings.telegram_webhook_url:
            app.webhooks[TELEGRAM] = webhook(channel, settings.telegram_webhook_url, settings.telegram_webhook_secret or "")
            await application.bot.set_webhook(
                settings.telegram_webhook_url, secret_token=settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            if not settings.web_port:
                log.warning("TELEGRAM_WEBHOOK_URL is set but WEB_PORT is not: nothing listens for Telegram's requests")
            log.info("telegram: webhook %s served by the web server", settings.telegram_webhook_url)
        else:
            await updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES)
            log.info("telegram: long polling as @%s", channel.username)
        await stop.wait()
    finally:
        if app.senders.get(TELEGRAM) is channel.sender:
            del app.senders[TELEGRAM]
        app.webhooks.pop(TELEGRAM, None)
        if sweeper is not None:
            sweeper.cancel()
        begun = loop_time()
        if updater.running:
            await updater.stop()
        log.info("telegram: stopping; %d updates not started stay in the inbox", channel.dispatcher.pending)
        await channel.dispatcher.stop(STOP_GRACE)
        await updater.shutdown()
        await application.shutdown()
        log.info("telegram: stopped in %.1f s", loop_time() - begun)
