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


async def scenario(tmp_path, engine: str, users: int, per_user: int) -> tuple[Counter, Counter, set, float, dict]:
    """`users` heads each send `per_user` status updates at once to one bot process (the in-process
    harness: the real channel, router and pacer). Returns the sendMessage statuses, the answers per
    (chat, percent), what was expected, the seconds to the last answer and the fake's figures."""
    people = await inbox_crash.prepare(f"sqlite:///{tmp_path / 'test.db'}", tmp_path, users)
    chosen = {"router": None, "instant": Instant()}[engine]
    # Telegram's limits with room for one late arrival per chat (the pacer: a burst of 3, then one a second)
    limits = Limits(per_bot=30, per_chat=4, window=1.0, chat_window=1.0)
    async with FakeTelegram(limits=limits) as fake, telegram_bot(
        tmp_path, fake=fake, seed=False, engine=chosen, sender_rate_per_minute=100_000, pacing="real"
    ) as bot:
        begun = time.monotonic()
        for round_ in range(per_user):
            for user, task in people:
                fake.message(user, f"nv {task} đang làm {round_ + 1}%")
        await fake.wait_for(lambda c: c.ok and inbox_crash.RECORDED.search(c.text) is not None,
                            count=users * per_user, timeout=120)
        seconds = time.monotonic() - begun
        assert bot.app is not None
    # the bot has stopped (a graceful stop finishes what is in hand): a second answer would be counted now
    statuses = Counter(c.status for c in fake.calls if c.method == "sendMessage")
    answered = Counter((c.chat_id, int(m.group(1) or m.group(2))) for c in inbox_crash.recorded_answers(fake)
                       if (m := inbox_crash.RECORDED.search(c.text)))
    expected = {(user.id, r + 1) for r in range(per_user) for user, _ in people}
    return statuses, answered, expected, seconds, {**fake.stats(), "rejected": fake.rejected}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("engine", ["router", "instant"])
@pytest.mark.heavy
async def test_twenty_heads_sending_three_status_updates_draw_no_429(tmp_path, engine):
    statuses, answered, expected, seconds, stats = await scenario(tmp_path, engine, USERS, PER_USER)
    assert statuses[429] == 0 and stats["rejected"] == 0, (statuses, stats)
    assert set(answered) == expected
    assert set(answered.values()) == {1}
    print(f"\n{engine}: {USERS * PER_USER} answers in {seconds:.2f} s; fake: {stats}")  # a figure, not a goal
