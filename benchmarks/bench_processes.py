"""Two webhook processes on one PostgreSQL: 500 updates from 20 users (each user's on one
process, the users alternating) through the fake Bot API with Telegram's limits (30 messages/s per bot, 3 in any
0.9 s per chat → 429 beyond): HTTP 429 count, each answered once, time.

    .venv/bin/python benchmarks/bench_processes.py --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_inbox import drop_postgres, fresh_postgres
from tests.e2e.test_two_processes import scenario


async def main(postgres: str, users: int, per_user: int) -> None:
    url, name = await fresh_postgres(postgres)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            statuses, answered, seconds, expected, _refusals = await scenario(url, Path(tmp), users, per_user)
    finally:
        await drop_postgres(postgres, name)
    once = sum(1 for key in expected if answered.get(key) == 1)
    print(f"2 webhook processes, one PostgreSQL: {len(expected)} updates from {users} users")
    print(f"HTTP 429: {statuses.get(429, 0)}; answered once: {once}/{len(expected)}; "
          f"first post → last answer {seconds:.1f} s ({len(expected) / seconds:.1f} answers/s; budget 25/s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--per-user", type=int, default=25)
    args = parser.parse_args()
    asyncio.run(main(args.postgres, args.users, args.per_user))
