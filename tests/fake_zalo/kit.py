"""Running the real Zalo channel (`serve`) against the fake server inside a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.channels.zalo import serve
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from tests import pacing_kit
from tests.fake_zalo.server import FakeZalo


@contextlib.asynccontextmanager
async def running_zalo(
    app, engine, fake: FakeZalo, *, backoff: float = 0.02, pacing: str = "quick"
) -> AsyncIterator[asyncio.Task]:
    """`serve(app, engine, stop)` in the background until the block ends; fast retries for tests, and
    the per-chat pace at a twentieth unless `pacing="real"`, which keeps the app's own pacer (Zalo's pace,
    or the one the test put there; tests/pacing_kit.py).
    `fake.settled()` waits until the channel's dispatcher has handled every update it stored."""
    app.settings.zalo_bot_token = fake.token
    app.settings.zalo_base_url = fake.base_url
    if pacing == "quick":
        app.zalo_pacer = pacing_kit.quick(app.zalo_pacer)
    else:
        assert pacing == "real", pacing
    stop = asyncio.Event()
    client = ZaloClient(fake.token, fake.base_url, backoff=backoff)
    original_start = ZaloChannel.start
    mine: list[ZaloChannel] = []

    async def start(channel: ZaloChannel) -> int:  # the bot's dispatcher, for `fake.settled()`
        fake.bot_channels.append(channel)
        mine.append(channel)
        return await original_start(channel)

    ZaloChannel.start = start
    task = asyncio.create_task(serve(app, engine, stop, client=client, poll_backoff=backoff * 10))
    try:
        await fake.wait_for(lambda f: f.polls_started > 0 or bool(f.of("setWebhook")) or task.done(), timeout=5)
        if task.done():
            task.result()  # raise what went wrong at start-up
        yield task
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, 10)
        finally:
            ZaloChannel.start = original_start
            fake.bot_channels[:] = [c for c in fake.bot_channels if c not in mine]  # stopped: not waited on
