"""Throughput of the Telegram channel: N updates through the local fake Bot API server to the bot,
and — in the same run, against the same fake — to a bare python-telegram-bot echo bot.

The echo bot is the floor PTB itself sets on this machine (long polling, one sendMessage per update,
no database, no NLU); the ratio says how much of that the whole assistant keeps (goal: ≥ 0.7×).
All receive the same updates: U users each sending N/U questions from a fixed corpus of real ones.
Three figures, so that a shortfall can be placed:
- the bare PTB echo bot (PTB's defaults);
- this Telegram channel with an echo engine (adapter, renderer, per-chat ordering, rate limiter) —
  the cost of the channel itself;
- the whole assistant (registered heads: every question runs the NLU, the handler and SQLite).
"tiến độ" is left out of the corpus: it renders a chart and answers with two messages (the
engine's own benchmark, bench_engine.py, measures it).

The assistant runs with an AIORateLimiter whose throttles are lifted (retries on 429 kept) instead of
the production PacedRateLimiter: with pacing, it is capped at the bot's send budget (25 messages/s, one
a second per chat) by design, which would measure Telegram's limits, not the bot.
`--production-limiter` shows that capped figure too. The per-sender flood throttle (20 messages a
minute after a burst of 10, issue 15) is lifted as well: every user here sends N/U messages at once.

    .venv/bin/python benchmarks/bench_telegram.py [--updates 500] [--users 20] [--repeat 3] [--production-limiter]
    .venv/bin/python benchmarks/bench_telegram.py --limits   # Telegram's limits, everything paced as in production
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

from bot.bootstrap import build_app
from bot.channels.telegram import serve
from bot.settings import DEFAULTS, Settings
from conversation.router import Router
from domain.clock import FixedClock
from domain.messages import TELEGRAM, Incoming, Reply
from tests.fake_telegram import FakeTelegram, TgUser
from tests.fake_telegram.harness import AUG_15_2022
from tests.fake_telegram.server import TELEGRAM_LIMITS

CORPUS = [
    "quý này có việc gì đến hạn?",
    "nhiệm vụ 17 là gì",
    "khi nào nộp báo cáo CCHC quý 3?",
    "văn phòng còn việc gì chưa xong",
    "nv 3 đang làm 60%",
    "việc kê khai tài sản ai chủ trì",
    "chỉ tiêu thanh toán trực tuyến là bao nhiêu",
    "7 ngày tới có gì đến hạn",
    "xin chào",
]


def push_updates(fake: FakeTelegram, users: list[TgUser], n: int) -> None:
    texts = itertools.cycle(CORPUS)
    for i in range(n):
        fake.message(users[i % len(users)], next(texts))


def refused(fake: FakeTelegram) -> int:
    """HTTP 429 answers the fake gave (Telegram's limits, when `--limits`)."""
    return sum(1 for c in fake.calls if c.status == 429)


def make_fake(limits: bool) -> FakeTelegram:
    return FakeTelegram(limits=TELEGRAM_LIMITS) if limits else FakeTelegram()


REFUSED: dict[str, list[int]] = {"echo": [], "channel": [], "assistant": []}


async def wait_answers(fake: FakeTelegram, n: int, chats: set[int], timeout: float = 600) -> float:
    """Seconds until `n` messages reached the users' chats (every corpus question gets one)."""
    start = time.perf_counter()
    await fake.wait_for(lambda c: c.ok and c.method == "sendMessage" and c.chat_id in chats, count=n, timeout=timeout)
    return time.perf_counter() - start


async def echo_bot(n: int, users: list[TgUser], limits: bool = False) -> float:
    """The bare PTB echo bot, with PTB's defaults (under Telegram's limits: with PTB's own
    AIORateLimiter, which retries a 429 after its retry_after)."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text)

    async with make_fake(limits) as fake:
        builder = Application.builder().token(fake.token).base_url(fake.base_url)
        if limits:
            builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
        application = builder.build()
        application.add_handler(MessageHandler(filters.TEXT, echo))
        async with application:
            await application.start()
            await application.updater.start_polling(timeout=10)
            await fake.wait_for(lambda c: c.method == "getUpdates")
            push_updates(fake, users, n)
            seconds = await wait_answers(fake, n, {u.id for u in users})
            await application.updater.stop()
            await application.stop()
        REFUSED["echo"].append(refused(fake))
    return seconds


class EchoEngine:
    """The conversation engine replaced by an echo: what remains is the channel's own cost."""

    async def handle(self, message: Incoming) -> list[Reply]:
        return [Reply(message.text)]


async def assistant(n: int, users: list[TgUser], production_limiter: bool, *, echo: bool = False,
                    limits: bool = False) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        async with make_fake(limits) as fake:
            settings = Settings(
                _env_file=None, cchc_data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/bench.db",
                telegram_bot_token=fake.token, telegram_base_url=fake.base_url, telegram_base_file_url=fake.base_file_url,
                sender_rate_per_minute=100_000,  # each user sends N/U at once: the flood throttle would be measured
            )
            app = await build_app(settings, clock=FixedClock(AUG_15_2022))
            await app.plans.import_plan(DEFAULTS / "ke-hoach-cchc-2022.txt")
            for user in users:
                invite = await app.users.create_invite("van-phong",
                                                   "head", now=app.clock.now())
                await app.users.register(channel=TELEGRAM, external_id=str(user.id), chat_id=str(user.id),
                                         code=invite.code, display_name=user.first_name, now=app.clock.now())
            limiter = None if production_limiter else AIORateLimiter(  # None: the production PacedRateLimiter
                overall_max_rate=0, group_max_rate=0, max_retries=3
            )
            stop = asyncio.Event()
            engine = EchoEngine() if echo else Router(app)
            task = asyncio.create_task(serve(app, engine, stop, rate_limiter=limiter))
            await fake.wait_for(lambda c: c.method == "getUpdates")
            push_updates(fake, users, n)
            seconds = await wait_answers(fake, n, {u.id for u in users})
            stop.set()
            await task
            await app.close()
            REFUSED["channel" if echo else "assistant"].append(refused(fake))
    return seconds


async def main(n: int, n_users: int, repeat: int, production_limiter: bool, limits: bool = False) -> None:
    """Interleaved rounds, medians reported: a shared machine's load drifts during a run, and all
    three bots should see the same drift."""
    logging.basicConfig(level=logging.WARNING)
    users = [TgUser(10_000 + i, f"Người {i}") for i in range(n_users)]
    runs: dict[str, list[float]] = {"echo": [], "channel": [], "assistant": []}
    paced = production_limiter or limits  # under Telegram's limits the bot runs as in production
    for _ in range(repeat):
        runs["echo"].append(n / await echo_bot(n, users, limits))
        runs["channel"].append(n / await assistant(n, users, production_limiter=paced, echo=True, limits=limits))
        runs["assistant"].append(n / await assistant(n, users, production_limiter=paced, limits=limits))
    echo_rate = statistics.median(runs["echo"])
    print(f"{n} updates from {n_users} users, long polling against the local fake Bot API server; "
          f"median of {repeat} interleaved rounds")
    if limits:
        print("against Telegram's limits (1 message/s per chat, 30/s per bot; 429 beyond): the bots paced as in production")
    print("| bot | updates/s (median) | rounds | × echo floor | HTTP 429 |")
    print("|---|---|---|---|---|")
    for key, label in (("echo", "bare PTB echo bot"), ("channel", "Telegram channel + echo engine"),
                       ("assistant", "CCHC assistant (channel + engine)")):
        rate = statistics.median(runs[key])
        rounds = ", ".join(f"{r:.0f}" for r in runs[key])
        print(f"| {label} | {rate:.1f} | {rounds} | {rate / echo_rate:.2f} | {sum(REFUSED[key])} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"goal: ≥ 0.90× the echo floor; peak RSS of this process (all three bots, the fake): {peak:.0f} MB")
    if production_limiter and not limits:
        capped = await assistant(min(n, 300), users, production_limiter=True)
        print(f"with the production PacedRateLimiter (25 messages/s per bot, 1/s per chat): "
              f"{min(n, 300) / capped:.1f} updates/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--production-limiter", action="store_true")
    parser.add_argument("--limits", action="store_true",
                        help="the fake enforces Telegram's limits; every bot paced as in production")
    args = parser.parse_args()
    asyncio.run(main(args.updates, args.users, args.repeat, args.production_limiter, args.limits))
