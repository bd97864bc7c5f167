"""Fairness under a flood: one user sends 300 messages in 10 s while five colleagues each ask one
question a second; the colleagues' answer times must stay short (goal: p95 < 2 s, none > 5 s).

The real Telegram channel (long polling, durable inbox, FairDispatcher, PacedRateLimiter) and the
real engine on the seeded plan, against the local fake Bot API server, in one process.

    .venv/bin/python benchmarks/bench_flood.py [--flood 300] [--seconds 10] [--colleagues 5]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.bootstrap import build_app
from bot.channels.telegram import serve
from bot.settings import DEFAULTS, Settings
from conversation.router import Router
from domain.clock import FixedClock
from domain.messages import TELEGRAM
from presentation.inbox import TOO_FAST
from tests.fake_telegram.harness import AUG_15_2022
from tests.fake_telegram.server import FakeTelegram, TgUser

QUESTION = "nhiệm vụ 17 là gì"


async def run(flood: int, seconds: float, n_colleagues: int) -> None:
    flooder = TgUser(20_000, "Flood")
    colleagues = [TgUser(20_001 + i, f"Đồng nghiệp {i}") for i in range(n_colleagues)]
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as fake:
            settings = Settings(
                _env_file=None, cchc_data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/bench.db",
                telegram_bot_token=fake.token, telegram_base_url=fake.base_url,
                telegram_base_file_url=fake.base_file_url,
            )
            app = await build_app(settings, clock=FixedClock(AUG_15_2022))
            await app.plans.import_plan(DEFAULTS / "ke-hoach-cchc-2022.txt")
            for user in [flooder, *colleagues]:
                invite = await app.users.create_invite("van-phong", "head", now=app.clock.now())
                await app.users.register(channel=TELEGRAM, external_id=str(user.id), chat_id=str(user.id),
                                         code=invite.code, display_name=user.first_name, now=app.clock.now())
            stop = asyncio.Event()
            task = asyncio.create_task(serve(app, Router(app), stop))
            await fake.wait_for(lambda c: c.method == "getUpdates")
            asked: dict[int, list[float]] = {u.id: [] for u in colleagues}
            begin = time.monotonic()

            async def flood_sender() -> None:
                for n in range(flood):
                    fake.message(flooder, f"quý này có việc gì đến hạn? ({n})")
                    await asyncio.sleep(seconds / flood)

            async def colleague(user: TgUser) -> None:
                for _ in range(int(seconds) + 5):
                    asked[user.id].append(time.monotonic())
                    fake.message(user, QUESTION)
                    await asyncio.sleep(1.0)

            await asyncio.gather(flood_sender(), *(colleague(u) for u in colleagues))
            total = sum(len(v) for v in asked.values())
            await fake.wait_for(lambda c: c.ok and c.chat_id in asked and c.method == "sendMessage",
                                count=total, timeout=120)
            waits: list[float] = []
            for user in colleagues:
                answers = [c.at for c in fake.sent(user.id)]
                waits += [answer - question for question, answer in zip(asked[user.id], answers, strict=False)]
            flood_answers = [c for c in fake.sent(flooder.id) if TOO_FAST not in c.text]
            notices = [c for c in fake.sent(flooder.id) if TOO_FAST in c.text]
            elapsed = time.monotonic() - begin
            stop.set()
            await task
            await app.close()
    waits.sort()
    p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
    print(f"flood: 1 user × {flood} messages in {seconds:.0f} s; {n_colleagues} colleagues × 1 question/s")
    print(f"colleagues' answers: {len(waits)}; median {statistics.median(waits):.2f} s, p95 {p95:.2f} s, "
          f"max {waits[-1]:.2f} s (goal: p95 < 2 s, none > 5 s)")
    print(f"flooder: {len(flood_answers)} answers in {elapsed:.0f} s (served at its rate), {len(notices)} notice(s); "
          f"the rest waits in the inbox")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flood", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--colleagues", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args.flood, args.seconds, args.colleagues))
