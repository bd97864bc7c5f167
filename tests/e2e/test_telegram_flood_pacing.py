"""The Telegram channel under a flood, against the fake Bot API with Telegram's limits (one message a
second per chat, 30 a second per bot): a colleague asking once a second is never taken for a flooder,
and no chat is ever sent more than Telegram allows — not by a two-part answer, not by a notice followed
by an answer."""

from __future__ import annotations

import asyncio
import time

import pytest

from domain.messages import Incoming, Reply
from presentation.inbox import TOO_FAST
from tests.fake_telegram import TgUser
from tests.fake_telegram.harness import telegram_bot
from tests.fake_telegram.server import TELEGRAM_LIMITS, FakeTelegram

FLOOD = TgUser(701, "Flood")
COLLEAGUE = TgUser(702, "Colleague")
TALKER = TgUser(703, "Talker")


class Echo:
    async def handle(self, message: Incoming) -> list[Reply]:
        return [Reply(f"đã nhận: {message.text}")]


class TwoParts:
    """A long answer split in two messages (a chart and its text, a list in parts)."""

    async def handle(self, message: Incoming) -> list[Reply]:
        return [Reply(f"phần 1: {message.text}"), Reply(f"phần 2: {message.text}")]


def refused(fake: FakeTelegram) -> list[object]:
    return [c for c in fake.calls if c.status == 429]


@pytest.mark.heavy
async def test_a_colleague_asking_once_a_second_is_answered_in_order_and_never_throttled_during_a_flood(tmp_path):
    """With the default fairness settings. A sustained 20 a minute for every chat held a colleague who
    asked once a second back after the burst (the 15th question): answered once every 3 s, in lockstep
    with the flooder, and told «bạn gửi nhanh quá»."""
    questions = 17
    fake = await FakeTelegram(limits=TELEGRAM_LIMITS).start()
    try:
        async with telegram_bot(tmp_path, fake=fake, engine=Echo(), seed=False, pacing="real"):
            for n in range(120):
                fake.message(FLOOD, f"lụt {n}")
            begin = time.monotonic()
            for n in range(questions):  # on a fixed one-second grid, however late the loop wakes
                fake.message(COLLEAGUE, f"câu {n}")
                await asyncio.sleep(max(0.0, begin + n + 1 - time.monotonic()))
            answers = await fake.wait_sent(COLLEAGUE.id, count=questions, timeout=60)
        assert [a.text for a in answers] == [f"đã nhận: câu {n}" for n in range(questions)]
        assert not [c for c in fake.sent(COLLEAGUE.id) if TOO_FAST in (c.text or "")]
        flood_answers = [c.text for c in fake.sent(FLOOD.id) if (c.text or "").startswith("đã nhận")]
        assert flood_answers == [f"đã nhận: lụt {n}" for n in range(len(flood_answers))]  # in order, still served
        assert refused(fake) == []
    finally:
        await fake.stop()


async def test_two_part_answers_to_one_chat_keep_to_one_message_a_second(tmp_path):
    fake = await FakeTelegram(limits=TELEGRAM_LIMITS).start()
    try:
        async with telegram_bot(tmp_path, fake=fake, engine=TwoParts(), seed=False, pacing="real") as bot:
            fake.message(TALKER, "một")
            fake.message(TALKER, "hai")
            sent = await fake.wait_sent(TALKER.id, count=4, timeout=20)
            assert [c.text for c in sent] == ["phần 1: một", "phần 2: một", "phần 1: hai", "phần 2: hai"]
            [other] = await bot.ask(COLLEAGUE, "ba")  # another chat is not held back meanwhile
            assert other.text == "phần 1: ba"
        assert refused(fake) == []
    finally:
        await fake.stop()


async def test_a_notice_and_the_answers_to_a_throttled_chat_keep_to_one_message_a_second(tmp_path):
    fake = await FakeTelegram(limits=TELEGRAM_LIMITS).start()
    try:
        async with telegram_bot(tmp_path, fake=fake, engine=Echo(), seed=False, sender_burst=1, pacing="real") as bot:
            for n in range(3):
                fake.message(FLOOD, f"tin {n}")
            await fake.wait_for(lambda c: c.ok and c.chat_id == FLOOD.id and TOO_FAST in (c.text or ""))
            sent = await fake.wait_sent(FLOOD.id, count=4, timeout=20)
            answers = [c.text for c in sent if TOO_FAST not in (c.text or "")]
            assert answers == ["đã nhận: tin 0", "đã nhận: tin 1", "đã nhận: tin 2"]
            [other] = await bot.ask(COLLEAGUE, "câu hỏi")
            assert other.text == "đã nhận: câu hỏi"
        assert refused(fake) == []
    finally:
        await fake.stop()
