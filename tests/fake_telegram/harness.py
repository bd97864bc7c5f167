"""Running the real Telegram channel (PTB Application, long polling) against `FakeTelegram` in a test.

    async with telegram_bot(tmp_path) as bot:           # the real Router on the seeded plan
        replies = await bot.ask(user, "quý này có việc gì đến hạn?")

`engine=` replaces the Router by any `Engine` (or a factory taking the App) — channel tests that must not
depend on the NLU. Sends to one chat are paced at a twentieth of Telegram's per-chat pace (tests/pacing_kit.py);
tests about pacing pass `pacing="real"`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import App, build_app
from domain.clock import FixedClock
from domain.messages import Engine
from tests import db_templates, pacing_kit
from tests.conftest import make_settings
from tests.fake_telegram.server import Call, FakeTelegram, TgUser

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AUG_15_2022 = dt.datetime(2022, 8, 15, 9, 0, tzinfo=TZ)


@dataclass
class RunningBot:
    fake: FakeTelegram
    app: App
    engine: Engine

    async def ask(self, user: TgUser, text: str, *, count: int = 1, chat: dict | None = None, timeout: float = 10) -> list[Call]:
        """Send `text` as `user` and return the next `count` messages the bot sends to that chat."""
        chat_id = (chat or user.private_chat)["id"]
        before = len(self.fake.sent(chat_id))
        self.fake.message(user, text, chat=chat)
        return await self.fake.wait_sent(chat_id, count, after=before, timeout=timeout)

    async def press(self, user: TgUser, data: str, *, message: Call | dict | None = None, count: int = 1,
                    chat_id: int | None = None) -> list[Call]:
        """Press a button with `data` (under `message`) and return the next `count` messages to the chat."""
        if isinstance(message, Call):
            target = message.chat_id
        elif message is not None:
            target = message["chat"]["id"]
        else:
            target = chat_id or user.id
        before = len(self.fake.sent(target))
        self.fake.press(user, data, message=message)
        return await self.fake.wait_sent(target, count, after=before)

    async def send(self, push: Callable[[], Any], chat_id: int, *, count: int = 1) -> list[Call]:
        """Run `push` (e.g. `lambda: fake.photo(...)`) and return the next `count` messages to `chat_id`."""
        before = len(self.fake.sent(chat_id))
        push()
        return await self.fake.wait_sent(chat_id, count, after=before)

    async def register(self, user: TgUser, unit: str, role: str = "head") -> None:
        invite = await self.app.users.create_invite(unit, role, now=self.app.clock.now())
        [reply] = await self.ask(user, f"/start {invite.code}")
        assert "thành công" in reply.text, reply.text


@asynccontextmanager
async def telegram_bot(
    tmp_path: Path,
    *,
    engine: Engine | Callable[[App], Engine] | None = None,
    clock: FixedClock | None = None,
    seed: bool = True,
    fake: FakeTelegram | None = None,
    pacing: str = "quick",
    **settings: Any,
) -> AsyncIterator[RunningBot]:
    """The channel's `serve()` running in the background until the block ends; `pacing="real"` keeps
    Telegram's per-chat pace, "quick" shortens it (tests/pacing_kit.py)."""
    from bot.channels.telegram import serve
    from conversation.router import Router

    own_fake = fake is None
    fake = fake or await FakeTelegram().start()
    values = {"telegram_bot_token": fake.token, "telegram_base_url": fake.base_url,
              "telegram_base_file_url": fake.base_file_url, **settings}
    clock = clock or FixedClock(AUG_15_2022)
    app_settings = make_settings(tmp_path, **values)
    if seed:
        app = await db_templates.seeded_app(app_settings, clock=clock)
    else:
        await db_templates.prepare(app_settings, clock=clock)
        app = await build_app(app_settings, clock=clock)
    if pacing == "quick":
        app.pacer = pacing_kit.quick(app.pacer)
    else:
        assert pacing == "real", pacing
    try:
        if engine is None or not hasattr(engine, "handle"):
            engine = (engine or Router)(app)
        running = RunningBot(fake, app, engine)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(app, running.engine, stop))
        started = asyncio.create_task(fake.wait_for(lambda c: c.method in ("getUpdates", "setWebhook")))
        done, _ = await asyncio.wait({task, started}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            started.cancel()
            task.result()  # serve() failed to start: raise its error
        if started not in done:
            raise TimeoutError("the bot did not start polling")
        try:
            yield running
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
    finally:
        await app.close()
        if own_fake:
            await fake.stop()
