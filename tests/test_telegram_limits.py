"""One `cchc-bot run`-like process (the in-process harness: the real channel, router and pacer) answers
20 heads × 3 status updates, sent all at once, through a fake Bot API that enforces Telegram-like
flood limits — 30 messages a second per bot, and per chat no more than the burst of 3 in any second
that services/pacing.py allows — and draws 0 HTTP 429.

With the real router the engine itself (about 20 updates a second here) keeps the sends under the
limits; with an instant engine the answers are ready far faster than the limits allow, so only the
pacing keeps them under: that variant fails without it (e.g. TELEGRAM_RATE_PER_SECOND=1000 or no
per-chat interval)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from domain.messages import Incoming, Reply
from tests.fake_telegram.harness import telegram_bot
from tests.fake_telegram.server import FakeTelegram, Limits
from tests.fakes import inbox_crash

USERS, PER_USER = 20, 3


class Instant:
    """Answers a status update at once, in the words the router uses."""

    async def handle(self, message: Incoming) -> list[Reply]:
        percent = message.text.rsplit(" ", 1)[-1].rstrip("%")
        return [Reply(f"Đã ghi nhận: **Đang thực hiện {percent}%**")]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("engine", ["router", "instant"])
async def test_twenty_heads_sending_four_status_updates_draw_no_429(tmp_path, engine):
    people = await inbox_crash.prepare(f"sqlite:///{tmp_path / 'test.db'}", tmp_path, USERS)
    chosen = {"router": None, "instant": Instant()}[engine]
    limits = Limits(per_bot=30, per_chat=3, window=1.0, chat_window=1.0)
    async with FakeTelegram(limits=limits) as fake, telegram_bot(
        tmp_path, fake=fake, seed=False, engine=chosen, sender_rate_per_minute=100_000
    ) as bot:
        begun = time.monotonic()
        for round_ in range(PER_USER):
            for user, task in people:
                fake.message(user, f"nv {task} đang làm {round_ + 1}%")
        await fake.wait_for(lambda c: c.ok and inbox_crash.RECORDED.search(c.text) is not None,
                            count=USERS * PER_USER, timeout=30)
        seconds = time.monotonic() - begun
        assert bot.app is not None
    # the bot has stopped (a graceful stop finishes what is in hand): a second answer would be counted now
    statuses = Counter(c.status for c in fake.calls if c.method == "sendMessage")
    answered = Counter((c.chat_id, int(m.group(1) or m.group(2))) for c in inbox_crash.recorded_answers(fake)
                       if (m := inbox_crash.RECORDED.search(c.text)))
    assert statuses[429] == 0 and fake.rejected == 0, (statuses, fake.stats())
    assert set(answered) == {(user.id, r + 1) for r in range(PER_USER) for user, _ in people}
    assert set(answered.values()) == {1}
    print(f"\n{engine}: {USERS * PER_USER} answers in {seconds:.2f} s; fake: {fake.stats()}")  # a figure, not a goal
