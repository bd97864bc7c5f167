"""The wrong-invite-code throttle (5 a minute per sender, then a wait) is kept in the database
(`failed_attempts`), so two processes on one PostgreSQL together allow a guesser no more than one."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.bootstrap import build_app
from tests.conftest import make_settings

NOW = dt.datetime(2022, 8, 15, 9, 0, tzinfo=dt.UTC)


async def guess(app, sender: str, n: int, now: dt.datetime = NOW):
    return await app.users.register(channel="telegram", external_id=sender, chat_id=sender, code=f"ZZZZZ{n}",
                                    display_name="Người đoán", now=now)


async def test_wrong_codes_through_two_processes_count_together(tmp_path, postgres_url):
    first = await build_app(make_settings(tmp_path, database_url=postgres_url))
    second = await build_app(make_settings(tmp_path, database_url=postgres_url), migrate=False)
    try:
        outcomes = []
        for n in range(6):  # the proxy alternates: 3 wrong codes through each process
            outcomes.append(await guess(first if n % 2 == 0 else second, "777", n, NOW + dt.timedelta(seconds=n)))
        assert [o.message_key for o in outcomes] == ["unknown_code"] * 5 + ["throttled"]
        assert outcomes[-1].wait_seconds == 55  # the first failure (at 0 s) leaves the window at 60 s
        assert (await guess(second, "888", 0)).message_key == "unknown_code"  # another sender is not affected
        later = NOW + dt.timedelta(seconds=61)
        assert (await guess(first, "777", 9, later)).message_key == "unknown_code"  # a minute later: again
    finally:
        await first.close()
        await second.close()


async def test_failures_recorded_at_once_by_two_processes_are_all_counted(tmp_path, postgres_url):
    first = await build_app(make_settings(tmp_path, database_url=postgres_url))
    second = await build_app(make_settings(tmp_path, database_url=postgres_url), migrate=False)
    try:
        await asyncio.gather(*(guess(first if n % 2 == 0 else second, "999", n) for n in range(4)))
        for app in (first, second):  # the four were counted: one more is allowed, then the wait
            async with app.users.uow() as uow:
                assert await uow.attempts.wait("invite:telegram:999", NOW, 5, dt.timedelta(minutes=1)) == dt.timedelta(0)
        assert (await guess(first, "999", 5)).message_key == "unknown_code"
        assert (await guess(second, "999", 6)).message_key == "throttled"
    finally:
        await first.close()
        await second.close()
