"""One bot process (the real channel, router and pacer, in-process) answering 500 status updates from 20
heads sent at once, through a fake Bot API with Telegram's limits: HTTP 429 count, answered once, time.

    .venv/bin/python benchmarks/bench_limits.py [--users 20] [--per-user 25] [--engine router|instant]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.test_telegram_limits import scenario


async def main(users: int, per_user: int, engine: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        statuses, answered, expected, seconds, stats = await scenario(Path(tmp), engine, users, per_user)
    once = sum(1 for key in expected if answered.get(key) == 1)
    print(f"one process, {engine} engine: {len(expected)} updates from {users} users")
    print(f"HTTP 429: {statuses.get(429, 0)}; answered once: {once}/{len(expected)}; "
          f"{seconds:.1f} s ({len(expected) / seconds:.1f} answers/s); most sends in any second: {stats['max_in_window']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--per-user", type=int, default=25)
    parser.add_argument("--engine", choices=("router", "instant"), default="router")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.per_user, args.engine))
