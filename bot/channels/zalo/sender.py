"""The outbound side of the Zalo channel: answers, reminders and notifications.

Every message goes through the channel's `Pacer` (services/pacing.py, `app.zalo_pacer`): answers,
reminders and broadcasts share one budget per chat and per bot (through PostgreSQL when several
processes run), and a 429 pauses only the chat it was about.

A push (a reminder with status choices) has no incoming message behind it, so the router never sees
its buttons; the sender remembers them in the chat's state itself, which is what lets a user answer a
reminder with "1" exactly as they would answer the bot's own question.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from conversation.state import change_for
from domain.messages import ZALO, Reply, RetryLater, Unreachable
from services.pacing import Pacer

from .client import ZaloApiError, ZaloClient
from .render import render

if TYPE_CHECKING:
    from bot.bootstrap import App

log = logging.getLogger(__name__)

UNREACHABLE_CODES = frozenset({404})  # no such chat; 403 is documented as a server-side error: retried later
DEFAULT_RETRY_SECONDS = 30.0


class ZaloSender:
    """`Sender` for Zalo: renders a `Reply` to numbered plain text and sends it part by part."""

    channel = ZALO

    def __init__(self, client: ZaloClient, app: App | None = None, pacer: Pacer | None = None) -> None:
        self.client = client
        self.app = app
        self.pacer = pacer if pacer is not None else (app.zalo_pacer if app is not None else None)
        # Chats Zalo refused (blocked bot): the channel clears the mark when the person writes again.
        self.unreachable: set[str] = set()
        self._chats: dict[str, tuple[asyncio.Lock, int]] = {}  # chat → (lock, holders + waiters)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver `reply` to `chat_id`; raise `Unreachable` / `RetryLater` as the delivery loop expects.

        Pushes to one chat go one at a time (the delivery engine sends several concurrently): the parts
        of two long messages must not interleave, and the numbers remembered must be those of the
        message the user sees last."""
        lock, users = self._chats.get(chat_id) or (asyncio.Lock(), 0)
        self._chats[chat_id] = (lock, users + 1)
        try:
            async with lock:
                await self.send_parts(chat_id, reply)
                if reply.buttons and self.app is not None:
                    await self.remember_choices(chat_id, reply)
        finally:
            lock, users = self._chats[chat_id]
            if users <= 1:
                del self._chats[chat_id]
            else:
                self._chats[chat_id] = (lock, users - 1)

    async def send_parts(self, chat_id: str, reply: Reply, *, group: bool = False) -> None:
        """Send without touching the chat's state: for answers, whose buttons the router keeps. Each
        part waits for its turn in the chat (`group`: a group's slower pace) and in the bot's budget."""
        parts = render(reply)
        if not parts:
            return
        try:
            for part in parts:
                if self.pacer is not None:
                    await self.pacer.acquire(chat_id, group=group)
                await self.client.send_message(chat_id, part)
        except ZaloApiError as exc:
            if exc.code == 429 and self.pacer is not None:  # only this chat waits
                await self.pacer.pause(chat_id, exc.retry_after or DEFAULT_RETRY_SECONDS, group=group)
            if exc.code in UNREACHABLE_CODES:
                self.unreachable.add(chat_id)
                raise Unreachable(str(exc)) from exc
            if exc.transient:
                raise RetryLater(exc.retry_after or DEFAULT_RETRY_SECONDS, str(exc)) from exc
            raise

    async def remember_choices(self, chat_id: str, reply: Reply) -> None:
        choices = [button.data for row in reply.buttons for button in row]
        app = self.app
        if app is None or not choices:
            return
        try:
            await change_for(app.inbox, ZALO, chat_id, app.clock.now(), choices=choices)
        except Exception:  # the message is out; losing the numbers only costs a retyped command
            log.exception("could not remember the choices of a push to a Zalo chat")
