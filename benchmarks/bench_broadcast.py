"""A broadcast of 1,000 reminders through a fake Bot API on 127.0.0.1 that answers 429 above 30 msg/s.

Goal (issue 5): ≥ 28 msg/s sustained and zero 429s. The reminder engine paces itself with a token
bucket (29 msg/s per channel, policy `delivery.rate_per_second`) and keeps up to 16 sends in flight,
so a 50 ms round trip does not slow it down. The second row is the same tick with pacing lifted —
what a burst through python-telegram-bot's AIORateLimiter alone looks like to the server.

    .venv/bin/python benchmarks/bench_broadcast.py [--messages 1000] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import populate
from bot.bootstrap import build_app
from bot.settings import Settings
from domain.clock import FixedClock
from tests.fake_telegram import BotApiSender, FakeTelegramProcess
from tests.fakes.reminders import fast_service

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEDNESDAY = dt.datetime(2022, 9, 21, 9, tzinfo=TZ)
DEADLINE = dt.date(2022, 9, 26)  # Monday: 3 working days ahead, so every unit gets one reminder


async def broadcast(messages: int, latency: float, paced: bool) -> dict:
    server = FakeTelegramProcess(latency=latency)
    with tempfile.TemporaryDirectory() as tmp:
        app = await build_app(Settings(database_url=f"sqlite:///{tmp}/b.db", cchc_data_dir=Path(tmp), _env_file=None),
                              clock=FixedClock(WEDNESDAY))
        sender = BotApiSender(server.base_url, server.token)
        try:
            await populate(app, assignments=messages, units=messages, due=lambda _i: DEADLINE)
            service = app.reminders if paced else fast_service(app)
            started = time.perf_counter()
            report = await service.tick({"telegram": sender}, WEDNESDAY)
            seconds = time.perf_counter() - started
            stats = server.stats()
        finally:
            await sender.close()
            await app.close()
            server.stop()
        return {
            "mode": f"paced {service.policy.delivery.rate_per_second:g} msg/s" if paced else "unpaced burst",
            "due": report.deliveries, "sent": report.delivery.sent, "failed": report.delivery.failed,
            "seconds": seconds, "rate": stats["rate"], "peak": stats["max_in_window"], "rejected": stats["rejected"],
        }


def table(rows: list[dict]) -> str:
    header = ("mode", "due", "sent", "tick s", "sustained msg/s", "max in any 1 s", "HTTP 429")
    lines = [
        (r["mode"], str(r["due"]), str(r["sent"]), f"{r['seconds']:.1f}", f"{r['rate']:.2f}", str(r["peak"]),
         str(r["rejected"]))
        for r in rows
    ]
    widths = [max(len(x[i]) for x in (header, *lines)) for i in range(len(header))]
    fmt = lambda row: " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))  # noqa: E731
    return "\n".join([fmt(header), "-+-".join("-" * w for w in widths), *map(fmt, lines)])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the fake API takes to answer")
    args = parser.parse_args()
    rows = [await broadcast(args.messages, args.latency, paced=True),
            await broadcast(args.messages, args.latency, paced=False)]
    print(table(rows))
    print("A 429 is not lost: the delivery is marked failed with the server's retry_after and retried by a later"
          " tick — but Telegram may restrict a bot that keeps hitting the limit.")


if __name__ == "__main__":
    asyncio.run(main())
