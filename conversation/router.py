"""The router: one neutral message in, neutral replies out.

Order of work: drop a redelivered message → know the sender → understand the text (or the pressed
button) → check that a stranger only registers or asks for help → call the capability's handler.
Every failure ends in a short Vietnamese apology, never in silence.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from conversation import registry
from conversation.context import Context
from conversation.nlu import NluResult, Understander
from domain.messages import Incoming, Reply
from services.metrics import ENGINE_LATENCY, MESSAGES

log = logging.getLogger(__name__)

MAX_NLU_CHARS = 1000  # a pasted document is not a question; its head says what the user wants
APOLOGY = (
    "Xin lỗi, hệ thống gặp lỗi khi xử lý tin nhắn này. Anh/chị vui lòng thử lại sau ít phút; "
    "nếu vẫn lỗi, xin báo Văn phòng Sở."
)
NOT_REGISTERED = (
    "Anh/chị chưa đăng ký sử dụng trợ lý CCHC.\n"
    "Hãy xin **mã mời** từ Văn phòng Sở rồi gửi: «đăng ký MÃ» (ví dụ: đăng ký K7Q2XP).\n"
    "Gõ «hướng dẫn» để xem trợ lý làm được gì."
)


class Router:
    def __init__(self, app) -> None:
        self.app = app
        self._understander: tuple[object, Understander] | None = None

    async def understander(self) -> Understander:
        version = await self.app.plans.current_version()
        if self._understander is None or self._understander[0] != version:
            from conversation.task_index import load_task_index

            index = await load_task_index(self.app)
            self._understander = (version, Understander(self.app.units, index))
        return self._understander[1]

    async def handle(self, message: Incoming) -> list[Reply]:
        started = time.perf_counter()
        seen = {"intent": "duplicate"}
        try:
            return await self._handle(message, seen)
        except Exception:
            seen["intent"] = "error"
            log.exception(
                "handler failed: channel=%s chat=%s message=%s", message.channel, message.chat_id, message.message_id
            )
            return [Reply(APOLOGY)]
        finally:
            ENGINE_LATENCY.observe(time.perf_counter() - started)
            MESSAGES.labels(message.channel, seen["intent"]).inc()

    async def _handle(self, message: Incoming, seen: dict[str, str]) -> list[Reply]:
        app = self.app
        now = app.clock.now()
        key = message.idempotency_key
        arrival = await app.inbox.receive(message.channel, key, message.sender_id, message.chat_id, now)
        if not arrival.new:
            log.info("duplicate message dropped: %s", key)
            return []
        user, state = arrival.user, arrival.state
        ctx_state: dict = {}
        data = message.callback_data
        nlu = NluResult(intent="button")
        route = None
        if data is None:
            text = message.text.strip()
            awaiting = state.get("awaiting")
            if awaiting and text and not text.startswith("/") and not message.attachments:
                await app.inbox.update_state(message.channel, message.chat_id, now, awaiting=None)
                route, ctx_state = registry.INTENTS.get(f"await:{awaiting['kind']}"), awaiting
            if route is None:
                nlu = (await self.understander()).parse(text[:MAX_NLU_CHARS], now.date())
                if message.attachments and nlu.intent != "register":
                    nlu = replace(nlu, intent="evidence")
                choices = state.get("choices") or []
                if nlu.intent == "choice" and nlu.choice and 1 <= nlu.choice <= len(choices):
                    data = choices[nlu.choice - 1]  # a numbered answer stands for that button
                else:
                    route = registry.INTENTS.get(nlu.intent) or registry.INTENTS["unknown"]
        args: list[str] = []
        if data is not None:
            prefix, *args = data.split(":")
            route = registry.CALLBACKS.get(prefix)
            if route is None:
                return [Reply("Nút này đã cũ hoặc không còn dùng được. Gõ «hướng dẫn» để xem các lệnh.")]
        seen["intent"] = f"button:{data.split(':', 1)[0]}" if data is not None else nlu.intent
        if user is None and not route.public:
            return [Reply(NOT_REGISTERED)]
        ctx = Context(
            app=app, message=message, nlu=nlu, user=user, today=now.date(), now=now, args=args, state=ctx_state
        )
        replies = await route.handler(ctx)
        await self._remember_choices(message, replies, now, state.get("choices"))
        return replies

    async def _remember_choices(self, message: Incoming, replies: list[Reply], now, previous) -> None:
        """Keep the buttons of the last answer, so that typing «1», «2» presses them (channels without
        buttons render them as numbered lines). Unchanged choices are not written again."""
        choices = [b.data for r in replies if r.chat_id is None for row in r.buttons for b in row if not b.url]
        if choices and choices != previous:
            await self.app.inbox.update_state(message.channel, message.chat_id, now, choices=choices)
