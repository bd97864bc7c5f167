"""Fairness under a flood: one user sends 300 messages in 10 s while five colleagues each ask one
question a second — during the flood and for `--after` seconds (15) after it ends, while the flooder's
backlog drains at its throttled rate. The colleagues' answer times are measured in both windows and
must stay short in each (goal: p95 < 2 s, none > 5 s).

The real Telegram channel (long polling, durable inbox, FairDispatcher, PacedRateLimiter) and the
real engine on the seeded plan, against the local fake Bot API server, in one process.

    .venv/bin/python benchmarks/bench_flood.py [--flood 300] [--seconds 10] [--after 15] [--colleagues 5]
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
from tests.fake_telegram.server import TELEGRAM_LIMITS, FakeTelegram, TgUser

QUESTION = "nhiệm vụ 17 là gì"


def summary(waits: list[float]) -> str:
    if not waits:
        return "no answers"
    waits = sorted(waits)
    p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
    return (f"{len(waits)} answers; median {statistics.median(waits):.2f} s, p95 {p95:.2f} s, "
            f"max {waits[-1]:.2f} s")


async def run(flood: int, seconds: float, after: float, n_colleagues: int) -> None:
    flooder = TgUser(20_000, "Flood")
    colleagues = [TgUser(20_001 + i, f"Đồng nghiệp {i}") for i in range(n_colleagues)]
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram(limits=TELEGRAM_LIMITS) as fake:
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
            router = Router(app)
            await router.prepare()  # a bot that has been running: its NLU is built
            task = asyncio.create_task(serve(app, router, stop))
            await fake.wait_for(lambda c: c.method == "getUpdates")
            asked: dict[int, list[float]] = {u.id: [] for u in colleagues}
            begin = time.monotonic()

            async def flood_sender() -> None:
                for n in range(flood):
                    fake.message(flooder, f"quý này có việc gì đến hạn? ({n})")
                    await asyncio.sleep(seconds / flood)

            async def colleague(user: TgUser) -> None:
                for _ in range(int(seconds + after)):
                    asked[user.id].append(time.monotonic())
                    fake.message(user, QUESTION)
                    await asyncio.sleep(1.0)

            await asyncio.gather(flood_sender(), *(colleague(u) for u in colleagues))
            total = sum(len(v) for v in asked.values())
            await fake.wait_for(lambda c: c.ok and c.chat_id in asked and c.method == "sendMessage",
                                count=total, timeout=120)
            during: list[float] = []
            after_flood: list[float] = []
            flood_end = begin + seconds
            for user in colleagues:
                answers = [c.at for c in fake.sent(user.id)]
                for question, answer in zip(asked[user.id], answers, strict=False):
                    (during if question < flood_end else after_flood).append(answer - question)
            flood_answers = [c for c in fake.sent(flooder.id) if TOO_FAST not in c.text]
            notices = [c for c in fake.sent(flooder.id) if TOO_FAST in c.text]
            elapsed = time.monotonic() - begin
            refused = sum(1 for c in fake.calls if c.status == 429)
            stop.set()
            await task
            await app.close()
    print(f"flood: 1 user × {flood} messages in {seconds:.0f} s; {n_colleagues} colleagues × 1 question/s "
          f"for {seconds + after:.0f} s")
    print(f"colleagues during the flood: {summary(during)}")
    print(f"colleagues after it (its backlog draining): {summary(after_flood)}")
    print("goal in both windows: p95 < 2 s, none > 5 s")
    print(f"flooder: {len(flood_answers)} answers in {elapsed:.0f} s (served at its rate), {len(notices)} notice(s); "
          f"the rest waits in the inbox; HTTP 429: {refused}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flood", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--after", type=float, default=15, help="seconds colleagues keep asking after the flood")
    parser.add_argument("--colleagues", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args.flood, args.seconds, args.after, args.colleagues))
