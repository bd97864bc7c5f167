"""Zalo updates in, engine replies out — the part shared by long polling and the webhook.

Nothing fetched is lost, as on Telegram (docs/operations.md): `accept` stores every update in the
durable inbox — committed — before the poller asks for the next one or the webhook answers 200. The
stored rows are handled by a `FairDispatcher` (services/dispatch.py): in arrival order within a chat
("nv 3" and the "1" that answers it must not overtake each other), one worker at most per chat,
chats round-robin, a flooding chat served at a sustained rate with one «bạn gửi nhanh quá» notice.
Each row goes through the message pipeline (bot/channels/pipeline.py: effects and the `done` mark in
one transaction, the replies stored with the row, sent, the row marked answered); at start the unfinished rows of the
previous run are handled first.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

import httpx

from bot.channels.pipeline import Pipeline
from bot.channels.stored_updates import STOP_GRACE, stored_update_workers
from domain.messages import ZALO, Attachment, Engine, Incoming, Reply
from domain.text import fold
from presentation import channels as texts
from presentation import inbox as inbox_texts
from presentation.common import APOLOGY
from services.inbox import StoredUpdate

from .adapter import Parsed, parse_update, unwrap
from .client import ZaloApiError, ZaloClient
from .media import DownloadRefused, download_image
from .sender import ZaloSender

if TYPE_CHECKING:
    from bot.bootstrap import App

log = logging.getLogger(__name__)

HINTS = {"sticker": texts.ZALO_STICKER, "withheld": texts.ZALO_WITHHELD}
# Registration in a group would make the group the person's reminder chat (the identity keeps the chat
# it registered from) and show the one-time code to everyone: it is sent back to the private chat.
_ACCOUNT_WORDS = ("dang ky", "dangky", "dk ", "start", "lienket", "lien ket")


def update_key(update: dict[str, Any]) -> str:
    """The inbox key of one update: the platform's message id (a redelivery carries the same one), or a
    digest of the update when it has none."""
    message = unwrap(update).get("message")
    if isinstance(message, dict) and message.get("message_id") not in (None, ""):
        return f"m:{message['message_id']}"
    digest = hashlib.sha256(json.dumps(update, sort_keys=True, ensure_ascii=False, default=str).encode())
    return f"h:{digest.hexdigest()[:32]}"


class ZaloChannel:
    def __init__(
        self,
        app: App,
        engine: Engine,
        client: ZaloClient,
        *,
        media_http: httpx.AsyncClient | None = None,
        bot_names: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.engine = engine
        self.client = client
        self.sender = ZaloSender(client, app)
        self.accounts = app.accounts
        self.max_bytes = app.settings.evidence_max_bytes
        self._media_http = media_http or httpx.AsyncClient(timeout=30)
        self._owns_media_http = media_http is None
        # Longest first, so "@Trợ lý CCHC" is stripped whole before "@Trợ lý".
        self.mentions = sorted({f"@{n.strip()}".lower() for n in bot_names if n and n.strip()}, key=len, reverse=True)
        self.channel = ZALO
        self.pipeline = Pipeline(app.inbox, engine, self, app.clock.now)
        self.dispatcher, self.recovery = stored_update_workers(
            app, ZALO, self.process, on_throttled=self._too_fast,
            others_may_run=bool(app.settings.zalo_webhook_url),  # polling has one consumer per bot
        )

    # -- the durable inbox -----------------------------------------------------------------------
    async def start(self) -> int:
        """Queue the updates a previous run stored but did not finish (before any new one), then start
        the workers. Returns how many were recovered."""
        taken = await self.recovery.take()
        self.dispatcher.start()
        return taken

    async def accept(self, update: dict[str, Any]) -> None:
        """Store `update` in the inbox — committed — and queue it for handling. The poller asks for the
        next update, and the webhook answers 200, only after this returned."""
        parsed = parse_update(update, self._fetch)
        if parsed.kind == "ignored" or parsed.chat_id is None:
            return  # the bot's own messages, malformed updates: nothing to answer
        key = update_key(update)
        stored = await self.app.inbox.store_until_stored(ZALO, key, parsed.chat_id, update, self.app.clock.now)
        if stored is not None:
            self.recovery.hold(stored)
        else:
            log.info("zalo update %s delivered again; it was stored before and is answered once", key)

    async def load_unreachable(self) -> None:
        """Chats marked unreachable before this start: a message from one of them clears the mark."""
        self.sender.unreachable |= await self.app.reachability.unreachable_chats(ZALO)

    async def aclose(self, grace: float = STOP_GRACE) -> None:
        """Let the updates in hand finish for `grace` seconds; the rest stays in the inbox."""
        log.info("zalo: stopping; %d updates not started stay in the inbox", self.dispatcher.pending)
        await self.dispatcher.stop(grace)
        if self._owns_media_http:
            await self._media_http.aclose()

    async def _too_fast(self, chat_key: object, row: StoredUpdate) -> None:
        group = parse_update(row.payload, self._fetch).is_group
        await self._say(str(chat_key), inbox_texts.TOO_FAST, group=group)

    # -- one stored update -------------------------------------------------------------------------
    async def process(self, row: StoredUpdate) -> None:
        """Handle one stored update and answer it once (bot/channels/pipeline.py)."""
        await self.pipeline.process(row)

    # -- the pipeline's port: understanding and replying the Zalo way --------------------------------
    async def incoming(self, row: StoredUpdate) -> Incoming | None:
        """The stored update as a message for the engine, once screened (`_screen`); None when the
        engine has nothing to do with it."""
        parsed = parse_update(row.payload, self._fetch)
        message = parsed.incoming
        if row.state == "new" and not await self._screen(parsed):
            return None  # answered with a hint, or not for the bot
        if message is None or parsed.chat_id is None:
            return None
        if row.state != "new" and message.is_group:
            self._addressed(message)  # the question without the mention, for the recovered notice
        return message

    @contextlib.asynccontextmanager
    async def busy(self, message: Incoming) -> AsyncIterator[object]:
        typing = asyncio.create_task(self._typing(message.chat_id))
        try:
            yield typing
        finally:
            typing.cancel()

    async def apologise(self, row: StoredUpdate) -> None:
        parsed = parse_update(row.payload, self._fetch)
        if parsed.chat_id is not None:
            await self._say(parsed.chat_id, APOLOGY, group=parsed.is_group)

    async def _screen(self, parsed: Parsed) -> bool:
        """Before the engine: True when it should see the message. Group chatter is dropped, account
        commands in a group and things the bot cannot read get a hint, photos are downloaded now."""
        message = parsed.incoming
        chat_id = parsed.chat_id
        if parsed.kind == "ignored" or chat_id is None:
            return False
        if parsed.is_group:
            if message is None or not self._addressed(message):
                return False  # group chatter, stickers and files are not for the bot
            if fold(message.text).startswith(_ACCOUNT_WORDS):
                await self._say(chat_id, texts.ZALO_REGISTER_IN_PRIVATE.format(name=message.sender_name or texts.SOMEONE.capitalize()), group=True)
                return False
        else:
            if chat_id in self.sender.unreachable:  # they write again: reminders may reach them again
                self.sender.unreachable.discard(chat_id)
                await self.app.reachability.set_reachable(ZALO, chat_id, True)
            if message is None:
                await self._say(chat_id, HINTS.get(parsed.kind, texts.ZALO_UNSUPPORTED))
                return False
        return not message.attachments or await self._prefetch(message)

    async def deliver(self, message: Incoming, reply: Reply) -> None:
        """Send one answer: to another chat when the reply says so, privately when it holds unit data
        and the question came from a group, else back where it came from."""
        try:
            if reply.chat_id is not None:
                sender = self.app.senders.get(reply.channel or ZALO)
                if sender is None:
                    log.warning("no running sender for channel %s; notification dropped", reply.channel)
                    return
                await sender.send(reply.chat_id, reply)
                return
            if message.is_group and reply.private_only:
                await self._send_privately(message, reply)
                return
            await self.sender.send_parts(message.chat_id, reply, group=message.is_group)
        except Exception:
            log.exception("Zalo reply not delivered: chat=%s", reply.chat_id or message.chat_id)

    async def _send_privately(self, message: Incoming, reply: Reply) -> None:
        name = message.sender_name or texts.SOMEONE
        private = await self.accounts.private_chat(ZALO, message.sender_id)
        if private and private != message.chat_id:
            try:
                await self.sender.send(private, reply)  # the router kept the buttons for the group chat
                await self._say(message.chat_id, texts.ZALO_SENT_PRIVATELY.format(name=name), group=True)
                return
            except Exception:
                log.warning("private Zalo message to %s failed", message.sender_id, exc_info=True)
        await self._say(message.chat_id, texts.ZALO_OPEN_PRIVATE_CHAT.format(name=name), group=True)

    def _addressed(self, message: Incoming) -> bool:
        """In a group the bot answers commands ("/viec") and messages that mention it, with the
        mention removed so the engine sees only the question."""
        text = message.text.strip()
        lowered = text.lower()
        for mention in self.mentions:
            if lowered.startswith(mention):
                message.text = text[len(mention):].lstrip(" ,:")
                return True
            if mention in lowered:
                start = lowered.index(mention)
                message.text = (text[:start] + text[start + len(mention):]).strip()
                return True
        return text.startswith("/")

    # -- helpers ---------------------------------------------------------------------------------
    async def _fetch(self, url: str, attachment: Attachment) -> bytes:
        return await download_image(self._media_http, url, attachment, max_bytes=self.max_bytes)

    async def _prefetch(self, message: Incoming) -> bool:
        """Download photos now (Zalo's URLs do not last), keeping the bytes for the evidence handler.
        Strangers' photos are left alone: the router will only tell them how to register."""
        if await self.app.users.identify(ZALO, message.sender_id) is None:
            return True
        for attachment in message.attachments:
            if attachment.fetch is None:
                continue
            try:
                data = await attachment.fetch()
            except DownloadRefused as refused:
                log.info("Zalo photo refused: %s", refused)
                await self._say(message.chat_id, refused.user_message, group=message.is_group)
                return False
            attachment.fetch = _cached(data)
        return True

    async def _typing(self, chat_id: str) -> None:
        with contextlib.suppress(ZaloApiError, asyncio.CancelledError):
            await self.client.send_chat_action(chat_id, "typing")

    async def _say(self, chat_id: str, text: str, *, group: bool = False) -> None:
        try:
            await self.sender.send_parts(chat_id, Reply(text), group=group)
        except Exception:
            log.warning("Zalo notice to %s not delivered", chat_id, exc_info=True)


def _cached(data: bytes):
    async def fetch() -> bytes:
        return data

    return fetch
