"""`BotApiSender`: the smallest real client of a Bot API — the reminder engine's `Sender` over HTTP (HTML
text, inline keyboard), mapping 429 → RetryLater and 403 → Unreachable like the Telegram channel does.
Used with `FakeTelegram` / `FakeTelegramProcess` by the pacing tests and the broadcast benchmark."""

from __future__ import annotations

import time

import httpx

from domain.messages import Reply, RetryLater, Unreachable
from presentation.markup import to_html
from tests.fake_telegram.server import SENT_AT_HEADER


class BotApiSender:
    channel = "telegram"

    def __init__(self, base_url: str, token: str, *, client: httpx.AsyncClient | None = None) -> None:
        self.url = f"{base_url}{token}/sendMessage"
        self.client = client or httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_keepalive_connections=32))

    async def send(self, chat_id: str, reply: Reply) -> None:
        payload: dict = {"chat_id": chat_id, "text": to_html(reply.text), "parse_mode": "HTML"}
        if reply.buttons:
            payload["reply_markup"] = {
                "inline_keyboard": [[{"text": b.text, "callback_data": b.data} for b in row] for row in reply.buttons]
            }
        response = await self.client.post(self.url, json=payload, headers={SENT_AT_HEADER: repr(time.time())})
        if response.status_code == 429:
            raise RetryLater(float(response.json().get("parameters", {}).get("retry_after", 1)))
        if response.status_code == 403:
            raise Unreachable(response.json().get("description", ""))
        response.raise_for_status()

    async def close(self) -> None:
        await self.client.aclose()
