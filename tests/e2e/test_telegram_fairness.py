"""The Telegram channel under pressure (in-process, fake Bot API): a flooding sender gets one notice
and is served at its rate while a colleague is answered at once; a 429 for one chat delays only that
chat; an edited message is answered instead of silently dropped."""

from __future__ import annotations

import time

import pytest

from domain.messages import Incoming, Reply
from presentation.inbox import EDITED, TOO_FAST
from tests.fake_telegram import TgUser
from tests.fake_telegram.harness import telegram_bot

FLOOD = TgUser(601, "Flood")
CALM = TgUser(602, "Calm")


class Echo:
    def __init__(self) -> None:
        self.seen: list[Incoming] = []

    async def handle(self, message: Incoming) -> list[Reply]:
        self.seen.append(message)
        return [Reply(f"đã nhận: {message.text}")]


async def test_a_flooding_sender_gets_one_notice_and_waits_while_a_colleague_is_answered_at_once(tmp_path):
    engine = Echo()
    async with telegram_bot(tmp_path, engine=engine, seed=False, sender_rate_per_minute=30, sender_burst=3, pacing="real") as bot:
        fake = bot.fake
        for n in range(12):
            fake.message(FLOOD, f"tin {n}")
        await fake.wait_for(lambda c: c.ok and c.chat_id == FLOOD.id and TOO_FAST in c.text)
        asked = time.monotonic()
        [answer] = await bot.ask(CALM, "câu hỏi", timeout=5)
        assert answer.text == "đã nhận: câu hỏi"
        assert time.monotonic() - asked < 2
        flood_answers = [c for c in fake.sent(FLOOD.id) if c.text.startswith("đã nhận")]
        assert 3 <= len(flood_answers) < 12  # served at its rate: the burst, then one per 2 s
        notices = [c for c in fake.sent(FLOOD.id) if TOO_FAST in c.text]
        assert len(notices) == 1
        # the flooder is still served, in order
        await fake.wait_sent(FLOOD.id, count=5, after=0, timeout=10)
        texts = [c.text for c in fake.sent(FLOOD.id) if c.text.startswith("đã nhận")]
        assert texts == [f"đã nhận: tin {n}" for n in range(len(texts))]


@pytest.mark.heavy
async def test_a_429_for_one_chat_delays_only_that_chat(tmp_path):
    engine = Echo()
    async with telegram_bot(tmp_path, engine=engine, seed=False, pacing="real") as bot:
        fake = bot.fake
        fake.fail("sendMessage", status=429, retry_after=3, chat_id=FLOOD.id)
        fake.message(FLOOD, "một")
        await fake.wait_for(lambda c: c.status == 429)
        asked = time.monotonic()
        [answer] = await bot.ask(CALM, "hai", timeout=5)
        assert answer.text == "đã nhận: hai"
        assert time.monotonic() - asked < 1.5  # not held behind the other chat's retry_after
        [late] = await fake.wait_sent(FLOOD.id, timeout=10)
        assert late.text == "đã nhận: một"
        assert late.at - asked >= 2  # that chat waited for its retry_after
        assert len(fake.calls_to("sendMessage")) == 3  # the 429, the colleague, the retry


async def test_an_edited_message_is_answered_not_dropped(tmp_path):
    engine = Echo()
    async with telegram_bot(tmp_path, engine=engine, seed=False, pacing="real") as bot:
        fake = bot.fake
        await bot.ask(CALM, "nv 17 đang làm 60%")
        before = len(fake.sent(CALM.id))
        message = fake.make_message(CALM, "nv 17 đang làm 70%")
        fake.push({"edited_message": {**message, "edit_date": message["date"] + 5}})
        [reply] = await fake.wait_sent(CALM.id, after=before)
        assert reply.text == EDITED
        assert [m.text for m in engine.seen] == ["nv 17 đang làm 60%"]  # the edit changed nothing
