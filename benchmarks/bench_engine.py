"""Per-message latency of the conversation engine (router → NLU → handler → services → SQLite/PG).

Runs a fixed corpus of real questions and updates from three registered users on the seed plan and
prints p50/p95/p99. Goal (issue 3): p95 ≤ 20 ms on SQLite.

    .venv/bin/python benchmarks/bench_engine.py [--rounds 20] [--db URL] [--cpu] [--history N]

`--history N` first records N status updates spread from January to the clock's day (what a plan holds
after some months of use); the corpus interleaves updates with questions, as users do, so most questions
come right after the history changed.

`--cpu` measures the process's CPU time per message (all threads, aiosqlite's included) instead of wall
time: on a machine shared with other jobs the wall-clock figures mostly measure the others' load.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.fixtures import populate
from benchmarks.synthetic import FreshPostgres
from bot.bootstrap import build_app
from bot.settings import DEFAULTS, Settings
from conversation.router import Router
from domain.clock import FixedClock
from domain.messages import Incoming
from tests.conversation_kit import AUG_15_2022

CORPUS = [
    "quý này có việc gì đến hạn?",
    "quy nay co viec gi den han",
    "văn phòng còn việc gì chưa xong",
    "việc nào trễ hạn rồi",
    "7 ngày tới có gì đến hạn",
    "tháng sau đơn vị mình có gì phải nộp không",
    "nhiệm vụ 17 là gì",
    "chi tiết nv 36",
    "việc kê khai tài sản ai chủ trì",
    "nv 17 đang làm 60%",
    "xong nhiệm vụ 3",
    "nv 52 đạt 80%",
    "khi nào nộp báo cáo CCHC quý 3?",
    "lịch nộp báo cáo định kỳ",
    "chỉ tiêu thanh toán trực tuyến là bao nhiêu",
    "tiến độ chung của Sở thế nào",
    "tien do cua thanh tra",
    "hướng dẫn sử dụng",
    "xin chào",
    "thời tiết hôm nay thế nào",
]


async def main(rounds: int, db: str | None, verbose: bool = False, cpu: bool = False, history: int = 0) -> None:
    clock = time.process_time if cpu else time.perf_counter
    if db and db.startswith("postgres"):
        async with FreshPostgres(db) as scratch:  # a throw-away database, never the server's own
            await run(rounds, scratch, verbose, clock, history)
    else:
        await run(rounds, db, verbose, clock, history)


async def run(rounds: int, db: str | None, verbose: bool, clock=time.perf_counter, history: int = 0) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, cchc_data_dir=Path(tmp), database_url=db or f"sqlite:///{tmp}/bench.db")
        app = await build_app(settings, clock=FixedClock(AUG_15_2022))
        await app.plans.import_plan(DEFAULTS / "ke-hoach-cchc-2022.txt")
        if history:
            await populate(app, history, 0, end=AUG_15_2022)
        router = Router(app)
        senders = []
        for n, (unit, role) in enumerate([("van-phong", "head"), ("thanh-tra", "head"), ("van-phong", "coordinator")]):
            invite = await app.users.create_invite(unit, role, now=app.clock.now())
            sender = f"u{n}"
            await router.handle(Incoming("bench", sender, sender, text=f"đăng ký {invite.code}"))
            senders.append(sender)
        for text in CORPUS:  # warm-up: caches, prepared statements
            await router.handle(Incoming("bench", senders[0], senders[0], text=text))
        samples: list[float] = []
        by_kind: dict[str, list[float]] = {text: [] for text in CORPUS}
        counter = 0
        for _ in range(rounds):
            for sender in senders:
                for text in CORPUS:
                    counter += 1
                    message = Incoming("bench", sender, sender, text=text, message_id=str(counter))
                    start = clock()
                    await router.handle(message)
                    samples.append((clock() - start) * 1000)
                    by_kind[text].append(samples[-1])
        await app.close()
    samples.sort()

    def pct(p: float) -> float:
        return samples[min(len(samples) - 1, int(p * len(samples)))]

    backend = "PostgreSQL" if db and db.startswith("postgres") else "SQLite"
    what = "CPU time" if clock is time.process_time else "latency"
    print(f"engine {what} on {backend}, {len(samples)} messages ({len(CORPUS)} kinds × 3 users × {rounds} rounds)"
          f", {history} status updates recorded before")
    print("| p50 ms | p95 ms | p99 ms | mean ms | msg/s (sequential) |")
    print("|---|---|---|---|---|")
    mean = statistics.fmean(samples)
    print(f"| {pct(0.50):.2f} | {pct(0.95):.2f} | {pct(0.99):.2f} | {mean:.2f} | {1000 / mean:.0f} |")
    if verbose:
        print("\n| message | p50 ms | max ms |\n|---|---|---|")
        for text, values in by_kind.items():
            values.sort()
            print(f"| {text} | {values[len(values) // 2]:.1f} | {values[-1]:.1f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--db")
    parser.add_argument("--verbose", action="store_true", help="also print figures per message kind")
    parser.add_argument("--cpu", action="store_true", help="CPU time per message instead of wall time")
    parser.add_argument("--history", type=int, default=0, help="status updates recorded before the run")
    options = parser.parse_args()
    asyncio.run(main(options.rounds, options.db, options.verbose, options.cpu, options.history))
