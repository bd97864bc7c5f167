"""Running the real Zalo channel (`serve`) against the fake server inside a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.channels.zalo import serve
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from tests.fake_zalo.server import FakeZalo


@contextlib.asynccontextmanager
async def running_zalo(app, engine, fake: FakeZalo, *, backoff: float = 0.02) -> AsyncIterator[asyncio.Task]:
    """`serve(app, engine, stop)` in the background until the block ends; fast retries for tests."""
    app.settings.zalo_bot_token = fake.token
    app.settings.zalo_base_url = fake.base_url
    stop = asyncio.Event()
    client = ZaloClient(fake.token, fake.base_url, backoff=backoff)
    original_submit = ZaloChannel.submit

    def submit(channel: ZaloChannel, update):  # the bot's handling tasks, for `fake.settled()`
        handling = original_submit(channel, update)
        fake.bot_tasks.add(handling)
        return handling

    ZaloChannel.submit = submit
    task = asyncio.create_task(serve(app, engine, stop, client=client, poll_backoff=backoff * 10))
    try:
        await fake.wait_for(lambda f: bool(f.of("getUpdates")) or bool(f.webhook) or task.done(), timeout=5)
        if task.done():
            task.result()  # raise what went wrong at start-up
        yield task
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, 10)
        finally:
            ZaloChannel.submit = original_submit
