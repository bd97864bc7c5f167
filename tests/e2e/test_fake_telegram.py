"""The fake Telegram Bot API itself: Telegram's limits (429 with retry_after), faults, long polls that
end when the fake stops, and the figures the pacing tests read."""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.fake_telegram import FakeTelegram, Limits


async def _send(client: httpx.AsyncClient, fake: FakeTelegram, chat_id: int, text: str = "x") -> httpx.Response:
    return await client.post(f"{fake.base_url}{fake.token}/sendMessage", json={"chat_id": chat_id, "text": text})


async def test_one_chat_above_its_limit_gets_429_with_retry_after_while_others_go_on():
    async with FakeTelegram(limits=Limits(per_chat=1, chat_window=60, retry_after=3)) as fake, \
            httpx.AsyncClient() as client:
        first, second = await _send(client, fake, 7), await _send(client, fake, 7)
        other = await _send(client, fake, 8)
    assert first.status_code == 200 and other.status_code == 200
    assert second.status_code == 429
    assert second.json()["parameters"] == {"retry_after": 3}
    assert fake.stats()["accepted"] == 2 and fake.stats()["rejected"] == 1
    assert [c.chat_id for c in fake.sent()] == [7, 8]  # a refused send is not a delivered message


async def test_the_bot_above_its_limit_gets_429_for_any_chat():
    async with FakeTelegram(limits=Limits(per_bot=5, per_chat=None, window=60)) as fake, \
            httpx.AsyncClient() as client:
        answers = await asyncio.gather(*(_send(client, fake, chat) for chat in range(1, 8)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [429] * 2
    assert fake.stats()["rejected"] == 2 and fake.max_in_window() == 7


async def test_without_limits_nothing_is_refused():
    async with FakeTelegram() as fake, httpx.AsyncClient() as client:
        answers = await asyncio.gather(*(_send(client, fake, 5) for _ in range(40)))
    assert {a.status_code for a in answers} == {200}


async def test_faults_answer_the_next_calls_then_stop():
    async with FakeTelegram() as fake, httpx.AsyncClient() as client:
        fake.fail("sendMessage", status=500, times=2, chat_id=9)
        fake.block(10)
        statuses = [(await _send(client, fake, 9)).status_code for _ in range(3)]
        blocked = await _send(client, fake, 10)
    assert statuses == [500, 500, 200]
    assert blocked.status_code == 403 and "blocked" in blocked.json()["description"]


async def test_stopping_ends_a_pending_long_poll():
    fake = await FakeTelegram().start()
    async with httpx.AsyncClient(timeout=30) as client:
        poll = asyncio.create_task(client.post(f"{fake.base_url}{fake.token}/getUpdates", data={"timeout": "25"}))
        await fake.wait_for(lambda c: c.method == "getUpdates")
        started = time.monotonic()
        await fake.stop()
        answer = await poll
    assert answer.json() == {"ok": True, "result": []}
    assert time.monotonic() - started < 5


async def test_latency_delays_every_answer():
    async with FakeTelegram(latency=0.2) as fake, httpx.AsyncClient() as client:
        started = time.monotonic()
        await client.post(f"{fake.base_url}{fake.token}/getMe")
    assert time.monotonic() - started >= 0.2
