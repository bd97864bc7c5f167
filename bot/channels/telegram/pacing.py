"""python-telegram-bot's rate-limiter hook, backed by the shared `Pacer` (services/pacing.py).

Every request that sends something to a chat waits for that chat's turn and for a slot of the bot's
budget; requests without a chat (getUpdates, getMe, answerCallbackQuery…) pass at once. A 429 pauses
ONLY the chat it was about (PTB's AIORateLimiter pauses every chat) and is retried after Telegram's
`retry_after`, at most `max_retries` times.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.channels.telegram.sender import retry_seconds
from services.pacing import Pacer

log = logging.getLogger(__name__)

FREE = {"getupdates", "getme", "answercallbackquery", "getfile", "setmycommands", "deletewebhook", "setwebhook",
        "getwebhookinfo", "close", "logout", "sendchataction"}


class PacedRateLimiter(BaseRateLimiter[int]):
    def __init__(self, pacer: Pacer, max_retries: int = 3) -> None:
        self.pacer = pacer
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = data.get("chat_id")
        paced = endpoint.lower() not in FREE
        group = False
        with contextlib.suppress(TypeError, ValueError):
            group = int(chat) < 0  # type: ignore[arg-type]
        retries = rate_limit_args if rate_limit_args is not None else self.max_retries
        for attempt in range(retries + 1):
            try:
                if not paced:
                    return await callback(*args, **kwargs)
                async with self.pacer.turn(chat, group=group):
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                if chat is not None:
                    await self.pacer.pause(chat, seconds + 0.1, group=group)
                if attempt == retries:
                    raise
                log.info("telegram 429 for chat %s: retry after %.1f s (only this chat waits)", chat, seconds)
                if chat is None or not paced:
                    await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable")  # pragma: no cover
