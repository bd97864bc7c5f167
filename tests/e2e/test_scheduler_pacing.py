"""Pacing: the token bucket, and a broadcast through a fake Bot API that answers 429 above 30 msg/s."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from benchmarks.synthetic import populate
from domain.clock import FixedClock
from services.reminders.delivery import TokenBucket
from tests.fake_telegram import BotApiSender, FakeTelegramProcess
from tests.fakes.reminders import fast_service
from tests.waiting import VirtualTime

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEDNESDAY = dt.datetime(2022, 9, 21, 9, tzinfo=TZ)
PACED_RATE = 20


async def test_token_bucket_spaces_and_caps(monkeypatch):
    time_ = VirtualTime()
    monkeypatch.setattr(asyncio, "sleep", time_.sleep)
    bucket = TokenBucket(rate=100, window=0.2, clock=time_)  # at most 20 in any 0.2 s
    grants = []
    started = time_()
    for _ in range(60):
        await bucket.acquire()
        grants.append(time_())
    assert time_() - started == pytest.approx(0.59)  # 59 intervals of 10 ms
    for i, at in enumerate(grants):
        assert sum(1 for g in grants[i:] if g < at + 0.2) <= 20
    time_.now += 0.3  # idle: no credit is hoarded for a burst afterwards
    first = time_()
    for _ in range(5):
        await bucket.acquire()
    assert time_() - first == pytest.approx(0.04)


async def test_token_bucket_does_not_catch_up_with_a_burst_after_a_late_wake_up(monkeypatch):
    time_ = VirtualTime()
    monkeypatch.setattr(asyncio, "sleep", time_.sleep)
    bucket = TokenBucket(rate=10, window=1.0, clock=time_)
    grants = []
    for n in range(30):
        await bucket.acquire()
        grants.append(time_())
        if n == 5:
            time_.now += 0.35  # the event loop woke us late
    assert all(sum(1 for g in grants[i:] if g < at + 1.0) <= 10 for i, at in enumerate(grants))


async def broadcast(app, paced: bool, messages: int = 60, window: float = 1.0) -> tuple[dict, object]:
    """A tick to `messages` people through the fake API in its own process (30 msg/s per bot).

    Paced, the engine runs at 20 msg/s: the same code path as the policy's 29 msg/s, with room for the
    jitter of a loaded 2-core machine, where the server's own arrival times bunch up when either process
    waits for a CPU (the 29 msg/s figure is measured by benchmarks/bench_broadcast.py)."""
    app.clock = FixedClock(WEDNESDAY)
    await populate(app, assignments=messages, units=messages, due=lambda _i: dt.date(2022, 9, 26))
    with FakeTelegramProcess(limit=30, window=window, latency=0.02) as api:
        sender = BotApiSender(api.base_url, api.token)
        try:
            service = fast_service(app, rate_per_second=PACED_RATE) if paced else fast_service(app)
            report = await service.tick({"telegram": sender}, WEDNESDAY)
        finally:
            await sender.close()
        return api.stats(), report


def test_the_policy_paces_below_telegrams_limit(app):
    assert app.reminders.policy.delivery.rate_per_second <= 29


@pytest.mark.heavy
async def test_paced_broadcast_draws_no_429(app):
    stats, report = await broadcast(app, paced=True)
    assert stats["rejected"] == 0 and stats["max_in_window"] <= 30
    assert report.delivery.sent == stats["accepted"] == 60
    assert stats["rate"] <= PACED_RATE * 1.1  # never faster than the bucket


async def test_unpaced_broadcast_is_refused_and_retried_later(app):
    """Without our pacing the fake API refuses the burst; refused sends are failed-with-retry, not lost."""
    stats, report = await broadcast(app, paced=False, window=30)  # 30 per 30 s: a burst of 60 must overflow
    assert stats["accepted"] == 30 and stats["rejected"] == 30
    assert report.delivery.failed == stats["rejected"] and report.delivery.sent == stats["accepted"]
