"""Pushes to Telegram (reminders, notifications), with Telegram's refusals translated into the
neutral exceptions the delivery loop understands:

- 403 (the user blocked the bot, or never started it) → `Unreachable`, and the identity is marked
  unreachable so that reminders stop trying that chat;
- 400 "chat not found" → `Unreachable` too (a deleted account or a wrong chat id will not heal);
- 429 that survived the rate limiter's own retries → `RetryLater(seconds)`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.channels.telegram.render import render
from domain.messages import TELEGRAM, Reply, RetryLater, Unreachable

log = logging.getLogger(__name__)

OnUnreachable = Callable[[str], Awaitable[None]]


class TelegramSender:
    """`Sender` for Telegram; `app.senders["telegram"]` while the channel runs."""

    channel = TELEGRAM

    def __init__(self, bot: Bot, on_unreachable: OnUnreachable | None = None) -> None:
        self.bot = bot
        self.on_unreachable = on_unreachable

    async def send(self, chat_id: str, reply: Reply) -> None:
        await self.deliver(chat_id, reply)

    async def deliver(
        self, chat_id: str | int, reply: Reply, *, edit_message_id: int | None = None,
        markup: InlineKeyboardMarkup | None = None,
    ) -> list[Message]:
        try:
            return await render(self.bot, _chat(chat_id), reply, edit_message_id=edit_message_id, markup=markup)
        except Forbidden as exc:
            await self._unreachable(chat_id, str(exc))
            raise Unreachable(str(exc)) from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                await self._unreachable(chat_id, str(exc))
                raise Unreachable(str(exc)) from exc
            raise
        except RetryAfter as exc:
            raise RetryLater(retry_seconds(exc), str(exc)) from exc

    async def _unreachable(self, chat_id: str | int, why: str) -> None:
        log.info("telegram chat %s unreachable: %s", chat_id, why)
        if self.on_unreachable is not None:
            try:
                await self.on_unreachable(str(chat_id))
            except Exception:  # the mark is a courtesy; the delivery loop still gets Unreachable
                log.exception("could not mark telegram chat %s unreachable", chat_id)


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds to wait, without PTB's deprecation warning about `retry_after` becoming a timedelta
    (the rate limiter itself reads the same private field)."""
    period = getattr(exc, "_retry_after", None)
    if isinstance(period, dt.timedelta):
        return period.total_seconds()
    return float(exc.retry_after)  # type: ignore[arg-type]


def _chat(chat_id: str | int) -> int | str:
    """Telegram chat ids are integers; "@channelname" stays a string."""
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return chat_id
