"""The router: one neutral message in, neutral replies out.

Order of work: drop a redelivered message → know the sender → understand the text (or the pressed
button) → check that a stranger only registers or asks for help → call the capability's handler.
Every failure ends in a short Vietnamese apology, never in silence.

Numbered answers: channels without buttons show them as «1. …», «2. …»; typing «2» presses the second
button of the bot's **immediately previous** answer in this chat. Every answer replaces the remembered
buttons — an answer without buttons leaves none, so a number can never reach back to an older answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from conversation import registry
from conversation.callbacks import InvalidButton, UnknownButton, decode
from conversation.context import Context
from conversation.nlu import NluResult, Understander
from conversation.state import ChatState, change_for, save_for
from domain.messages import Incoming, Reply
from services.inbox import AlreadyHandled
from services.metrics import ENGINE_LATENCY, MESSAGES

if TYPE_CHECKING:
    from services.container import App

__all__ = ["Router"]

log = logging.getLogger(__name__)

MAX_NLU_CHARS = 1000  # one reading of the NLU; a longer message is read by its end and its start
# what an answer that understood nothing looks like: try another part of a long message
_VAGUE = frozenset({"unknown", "greeting", "help"})


class Router:
    def __init__(self, app: App) -> None:
        self.app = app
        self._understander: tuple[object, Understander] | None = None
        self._building = asyncio.Lock()

    async def understander(self) -> Understander:
        """The NLU for the current plan version, built once: the first messages after a start (or a new
        plan) wait for one build instead of each building their own — five at once took ~3 s under load."""
        version = await self.app.plans.current_version()
        if self._understander is not None and self._understander[0] == version:
            return self._understander[1]
        async with self._building:
            if self._understander is None or self._understander[0] != version:
                from conversation.task_index import load_task_index, understander_for

                index = await load_task_index(self.app)
                self._understander = (version, understander_for(self.app.units, index, self.app.workdays))
            return self._understander[1]

    async def prepare(self) -> None:
        """Build the NLU ahead of the first message (a process starting with a backlog otherwise makes its
        first answers wait for it); a failure is only logged — the first message builds it again."""
        try:
            await self.understander()
        except Exception:
            log.exception("the NLU could not be built ahead of the first message")

    async def handle(self, message: Incoming) -> list[Reply]:
        started = time.perf_counter()
        seen = {"intent": "duplicate"}  # what the metrics count this message as
        try:
            return await self._handle(message, seen)
        except AlreadyHandled:  # another process committed this update's effects: it answers, not us
            seen["intent"] = "duplicate"
            raise
        except Exception:
            seen["intent"] = "error"
            log.exception(
                "handler failed: channel=%s chat=%s message=%s", message.channel, message.chat_id, message.message_id
            )
            return [Reply(registry.router_words().apology)]
        finally:
            ENGINE_LATENCY.observe(time.perf_counter() - started)
            MESSAGES.labels(message.channel, seen["intent"]).inc()

    async def understand(self, text: str, today: dt.date) -> tuple[NluResult, bool]:
        """The meaning of `text`, and whether only part of it was read. A long message is read at its
        end (where a question after a pasted text usually is) and at its start."""
        understander = await self.understander()
        if len(text) <= MAX_NLU_CHARS:
            return understander.parse(text, today), False
        parts = [_last_sentence(text), _tail(text), text[:MAX_NLU_CHARS]]
        first: NluResult | None = None
        for part in parts:
            if not part:
                continue
            nlu = understander.parse(part, today)
            first = first or nlu
            if nlu.intent not in _VAGUE:
                return nlu, True
        return first or understander.parse(text[:MAX_NLU_CHARS], today), True

    async def _handle(self, message: Incoming, seen: dict[str, str]) -> list[Reply]:
        app, words = self.app, registry.router_words()
        now = app.clock.now()
        key = message.idempotency_key
        arrival = await app.inbox.receive(message.channel, key, message.sender_id, message.chat_id, now)
        if not arrival.new:
            log.info("duplicate message dropped: %s", key)
            return []
        if arrival.deactivated:  # whatever they send (docs/contracts.md §9)
            return [Reply(registry.router_words().account_deactivated)]
        user = arrival.user
        state = ChatState.from_json(arrival.state)
        ctx_state: dict[str, Any] = {}
        data = message.callback_data
        by_number = False
        cut = False
        nlu = NluResult(intent="button")
        route: registry.Route | None = None
        if data is None:
            text = message.text.strip()
            awaiting = state.awaiting
            if awaiting and text and not text.startswith("/") and not message.attachments:
                state.awaiting = None
                await save_for(app.inbox, message.channel, message.chat_id, state, now)
                route, ctx_state = registry.INTENTS.get(f"await:{awaiting.get('kind')}"), awaiting
            if route is None:
                nlu, cut = await self.understand(text, now.date())
                if message.attachments and nlu.intent != "register":
                    nlu = replace(nlu, intent="evidence")
                if nlu.intent == "next_page" and user is not None:
                    if state.forward is None or state.forward not in state.choices:
                        return await self._answer(message, now, [Reply(words.no_next_page)], state.choices)
                    data, by_number = state.forward, True  # «xem tiếp» presses «Sau ▶»
                elif nlu.intent == "choice" and nlu.choice:
                    if 1 <= nlu.choice <= len(state.choices):
                        data, by_number = state.choices[nlu.choice - 1], True  # stands for that button
                    elif user is not None:
                        return await self._answer(message, now, [Reply(words.no_choice(nlu.choice))], state.choices)
                if data is None:
                    route = registry.INTENTS.get(nlu.intent) or registry.INTENTS["unknown"]
        button = None
        args: list[str] = []
        if data is not None:
            try:
                button = decode(data)
            except UnknownButton:
                return await self._answer(message, now, [Reply(words.old_button)], state.choices)
            except InvalidButton:
                log.warning("invalid button data %.80r from %s:%s", data, message.channel, message.chat_id)
                return await self._answer(message, now, [Reply(words.invalid_button)], state.choices)
            route = registry.CALLBACKS.get(button.PREFIX)
            if route is None:
                return await self._answer(message, now, [Reply(words.old_button)], state.choices)
            args = data.split(":")[1:]
        route = route or registry.INTENTS["unknown"]  # every branch above set it; this says so to the checker
        seen["intent"] = f"button:{button.PREFIX}" if button is not None else nlu.intent
        if user is None and not route.public:
            return [Reply(words.not_registered)]
        ctx = Context(
            app=app, message=message, nlu=nlu, user=user, today=now.date(), now=now, args=args, state=ctx_state,
            button=button, by_number=by_number, chat=state,
        )
        replies = await route.handler(ctx)
        if cut and replies and replies[0].text:
            replies[0] = replace(replies[0], text=f"{replies[0].text}\n{words.long_message_note(MAX_NLU_CHARS)}")
        focus = ctx.focus if ctx.focus is not None and ctx.focus != state.task else None
        # the state as it arrived is still current unless the handler wrote it (or awaiting was cleared)
        known = None if ctx.chat_written else state
        return await self._answer(message, now, replies, state.choices, focus, known)

    async def _answer(
        self, message: Incoming, now: dt.datetime, replies: list[Reply], before: list[str], focus: int | None = None,
        known: ChatState | None = None,
    ) -> list[Reply]:
        """Remember the buttons of this answer — and only of this one — for «1», «2» (and the task it is
        about), in one write, and only when something changed."""
        buttons = [b for r in replies if r.chat_id is None for row in r.buttons for b in row if b.data and not b.url]
        choices = [b.data for b in buttons]
        forward = next((b.data for b in buttons if b.text.endswith(registry.router_words().next_mark)), None)
        if choices == before and focus is None:
            return replies
        if known is not None:  # one write instead of a read and a write
            known.choices = choices
            known.forward = forward
            known.task = focus if focus is not None else known.task
            await save_for(self.app.inbox, message.channel, message.chat_id, known, now)
            return replies
        changes: dict[str, Any] = {"choices": choices or None, "forward": forward}
        if focus is not None:
            changes["task"] = focus
        await change_for(self.app.inbox, message.channel, message.chat_id, now, **changes)
        return replies


def _last_sentence(text: str) -> str:
    """The last sentence or line (where «…, vậy quý này có việc gì?» is), when it is of readable size."""
    parts = [p for p in re.split(r"(?<=[.?!])\s+|\n+", text.strip()) if p.strip()]
    return parts[-1] if parts and len(parts[-1]) <= MAX_NLU_CHARS else ""


def _tail(text: str) -> str:
    """The end of a long message, cut at a sentence or line start so that its question is whole."""
    tail = text[-MAX_NLU_CHARS:]
    for sep in ("\n", ". ", "? ", "! "):
        at = tail.find(sep)
        if 0 <= at < MAX_NLU_CHARS // 2:
            tail = tail[at + len(sep):]
            break
    return tail
