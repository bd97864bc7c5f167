"""The reminder simulator over a whole year: `reminders simulate --from 2022-01-01 --to 2023-01-31 --staff-all`
on the seed plan (issue 11), with the figures the issue asks for.

    .venv/bin/python benchmarks/bench_simulate.py [--db URL] [--runs 3]

Prints the wall time of each run (the copy of the database included), messages per (unit, role), the
maximum messages per person per day, the Văn phòng head's yearly total, and how many dated milestones of
reachable lead shares appear in a message on or before their due date.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.bootstrap import build_app
from bot.settings import DEFAULTS, Settings

SEED = DEFAULTS / "ke-hoach-cchc-2022.txt"
DATED = ("date", "annual", "periodic_report")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sim-"))
    url = args.db or f"sqlite:///{folder / 'bench.db'}"
    app = await build_app(Settings(database_url=url, cchc_data_dir=folder, _env_file=None))
    try:
        await app.plans.import_plan(SEED)
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            messages = await app.reminders.simulate(dt.date(2022, 1, 1), dt.date(2023, 1, 31), staff_all=True)
            seconds.append(time.perf_counter() - started)
        plan = await app.plans.dump()
    finally:
        await app.close()

    per = Counter((m.to_unit, m.role) for m in messages)
    per_day = Counter((m.to_user, m.at.date()) for m in messages)
    seen: dict[tuple, dt.date] = {}
    for m in messages:
        for i in m.items:
            key = (i["task"], i["recipient_unit"], i["due"])
            seen[key] = min(seen.get(key, m.at.date()), m.at.date())
    wanted = [
        (t["number"], unit, ms["due"])
        for t in plan["tasks"] for a in t["assignments"] if not (a["scope"] and len(a["lead"]) > 1)
        for ms in a["milestones"] if ms["kind"] in DATED and ms["due"] and ms["due"] >= f"{plan['plan']['year']}-01-01"
        for unit in a["lead"]
    ]
    kept = [w for w in wanted if w in seen and seen[w] <= dt.date.fromisoformat(w[2])]
    print(f"simulate 2022-01-01..2023-01-31 --staff-all: {len(messages)} messages; wall time per run "
          f"{', '.join(f'{s:.1f}' for s in seconds)} s (median {statistics.median(seconds):.1f} s)")
    print(f"max messages per person per day: {max(per_day.values())}")
    for (unit, role), n in sorted(per.items(), key=lambda p: -p[1]):
        kinds = Counter(m.kind for m in messages if (m.to_unit, m.role) == (unit, role))
        print(f"  {unit:12} {role:12} {n:4}  {dict(sorted(kinds.items()))}")
    print(f"dated milestones of reachable lead shares in a message on/before their due date: "
          f"{len(kept)}/{len(wanted)}")
    print(f"longest message: {max(m.chars for m in messages)} characters")


if __name__ == "__main__":
    asyncio.run(main())
