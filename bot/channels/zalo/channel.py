"""Zalo updates in, engine replies out — the part shared by long polling and the webhook.

Each update is handled in its own task so a slow answer never stalls the next poll or the webhook's
200, but updates of one chat are handled in arrival order (a per-chat lock), because "nv 3" and the
"1" that answers it must not overtake each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import httpx

from domain.messages import ZALO, Attachment, Engine, Incoming, Reply
from domain.text import fold

from .adapter import Parsed, parse_update
from .client import ZaloApiError, ZaloClient
from .media import DownloadRefused, download_image
from .sender import ZaloSender

if TYPE_CHECKING:
    from bot.bootstrap import App

log = logging.getLogger(__name__)

UNSUPPORTED_TEXT = (
    "Trợ lý trên Zalo hiện chỉ đọc được tin nhắn chữ và ảnh. Tệp PDF/Word xin gửi qua Telegram, "
    "hoặc chụp ảnh trang tài liệu kèm chú thích «nv 17 ...»."
)
STICKER_TEXT = "👋 Anh/chị gõ «hướng dẫn» để xem trợ lý làm được gì."
WITHHELD_TEXT = (
    "Zalo không chuyển nội dung tin nhắn này cho trợ lý (Zalo giữ lại nội dung của một số tài khoản được "
    "bảo vệ). Anh/chị gõ lại nội dung bằng chữ, hoặc gửi qua Telegram."
)
HINTS = {"sticker": STICKER_TEXT, "withheld": WITHHELD_TEXT}
SENT_PRIVATELY = "🔒 Thông tin của đơn vị đã được gửi riêng cho {name}."
OPEN_PRIVATE_CHAT = "🔒 Thông tin của đơn vị không đăng trong nhóm. {name} vui lòng nhắn riêng cho trợ lý."
REGISTER_IN_PRIVATE = (
    "🔒 Đăng ký và liên kết tài khoản chỉ làm trong chat riêng với trợ lý (mã mời không nên đăng trong nhóm). "
    "{name} vui lòng nhắn riêng cho trợ lý: đăng ký MÃ."
)
# Registration in a group would make the group the person's reminder chat (the identity keeps the chat
# it registered from) and show the one-time code to everyone: it is sent back to the private chat.
_ACCOUNT_WORDS = ("dang ky", "dangky", "dk ", "start", "lienket", "lien ket")


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
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # chat → (lock, holders + waiters)
        self._tasks: set[asyncio.Task] = set()

    # -- intake ----------------------------------------------------------------------------------
    def submit(self, update: dict[str, Any]) -> asyncio.Task:
        """Handle `update` in the background (the caller goes back to polling / answers the webhook)."""
        task = asyncio.create_task(self._guarded(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self, timeout: float = 10.0) -> None:
        """Let updates in progress finish (on shutdown), then give up on the stragglers."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()

    async def load_unreachable(self) -> None:
        """Chats marked unreachable before this start: a message from one of them clears the mark."""
        self.sender.unreachable |= await self.app.reachability.unreachable_chats(ZALO)

    async def aclose(self) -> None:
        await self.drain()
        if self._owns_media_http:
            await self._media_http.aclose()

    async def _guarded(self, update: dict[str, Any]) -> None:
        parsed = parse_update(update, self._fetch)
        if parsed.kind == "ignored" or parsed.chat_id is None:
            return
        chat_id = parsed.chat_id
        lock, users = self._locks.get(chat_id) or (asyncio.Lock(), 0)
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                await self.process(parsed)
        except Exception:
            log.exception("Zalo update failed: chat=%s", chat_id)
        finally:
            lock, users = self._locks[chat_id]
            if users <= 1:
                del self._locks[chat_id]  # no one else waits: do not keep a lock per chat forever
            else:
                self._locks[chat_id] = (lock, users - 1)

    # -- one update ------------------------------------------------------------------------------
    async def process(self, parsed: Parsed) -> None:
        message = parsed.incoming
        chat_id = parsed.chat_id
        assert chat_id is not None
        if parsed.is_group:
            if message is None or not self._addressed(message):
                return  # group chatter, stickers and files are not for the bot
            if fold(message.text).startswith(_ACCOUNT_WORDS):
                await self._say(chat_id, REGISTER_IN_PRIVATE.format(name=message.sender_name or "Anh/chị"))
                return
        else:
            if chat_id in self.sender.unreachable:  # they write again: reminders may reach them again
                self.sender.unreachable.discard(chat_id)
                await self.app.reachability.set_reachable(ZALO, chat_id, True)
            if message is None:
                await self._say(chat_id, HINTS.get(parsed.kind, UNSUPPORTED_TEXT))
                return
        if message.attachments and not await self._prefetch(message):
            return
        typing = asyncio.create_task(self._typing(chat_id))
        try:
            replies = await self.engine.handle(message)
        finally:
            typing.cancel()
        for reply in replies:
            await self.deliver(message, reply)

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
            await self.sender.send_parts(message.chat_id, reply)
        except Exception:
            log.exception("Zalo reply not delivered: chat=%s", reply.chat_id or message.chat_id)

    async def _send_privately(self, message: Incoming, reply: Reply) -> None:
        name = message.sender_name or "anh/chị"
        private = await self.accounts.private_chat(ZALO, message.sender_id)
        if private and private != message.chat_id:
            try:
                await self.sender.send(private, reply)  # the router kept the buttons for the group chat
                await self._say(message.chat_id, SENT_PRIVATELY.format(name=name))
                return
            except Exception:
                log.warning("private Zalo message to %s failed", message.sender_id, exc_info=True)
        await self._say(message.chat_id, OPEN_PRIVATE_CHAT.format(name=name))

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
                await self._say(message.chat_id, refused.user_message)
                return False
            attachment.fetch = _cached(data)
        return True

    async def _typing(self, chat_id: str) -> None:
        with contextlib.suppress(ZaloApiError, asyncio.CancelledError):
            await self.client.send_chat_action(chat_id, "typing")

    async def _say(self, chat_id: str, text: str) -> None:
        try:
            await self.sender.send_parts(chat_id, Reply(text))
        except Exception:
            log.warning("Zalo notice to %s not delivered", chat_id, exc_info=True)


def _cached(data: bytes):
    async def fetch() -> bytes:
        return data

    return fetch
