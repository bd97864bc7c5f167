"""Time of the projection (domain/projection.py): every share of the seed plan at the end of one date,
replayed from N recorded status updates (default 10,000) spread over the year.

Figures: the pure replay (`domain.projection.project`, what the goal is about: ≤ 50 ms for 10,000
updates), wall and CPU time (on a loaded machine the CPU time is the one that means something), and the
whole read through `ProjectionService.at` (the history's query plus the replay; then with the inputs
remembered because the history has not changed).

    .venv/bin/python benchmarks/bench_projection.py [--updates 10000] [--rounds 20] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.fixtures import active_app, activity_arguments, setup_line
from domain.projection import project
from storage.repositories.statuses import StatusRepository

AT = dt.date(2022, 9, 30)
GOAL = 0.050


async def main() -> None:
    parser = activity_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]), rounds=20)
    parser.set_defaults(updates=10_000, evidence=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        async with active_app(Path(tmp), updates=args.updates, evidence=args.evidence, db=args.db) as (app, seconds):
            print(setup_line(app, seconds, args.updates, args.evidence))
            data = await app.projections.inputs()
            pure, pure_cpu, whole, whole_cpu = [], [], [], []
            for _ in range(args.rounds):
                t0, c0 = time.perf_counter(), time.process_time()
                projection = project(data.shares, data.updates, AT, app.workdays, plan_year=data.year)
                pure.append(time.perf_counter() - t0)
                pure_cpu.append(time.process_time() - c0)
                t0, c0 = time.perf_counter(), time.process_time()
                await app.projections.at(AT, fresh=True)
                whole.append(time.perf_counter() - t0)
                whole_cpu.append(time.process_time() - c0)
            counts = projection.counts().as_contract()
            print(f"{len(data.shares)} shares, {len(data.updates)} updates, at {AT}: {counts}")
            print(f"project(): wall median {1000 * statistics.median(pure):.1f} ms, min {1000 * min(pure):.1f} ms, "
                  f"max {1000 * max(pure):.1f} ms; CPU median {1000 * statistics.median(pure_cpu):.1f} ms")
            print(f"ProjectionService.at(fresh=True) (query + replay): wall median {1000 * statistics.median(whole):.1f} ms"
                  f", CPU median {1000 * statistics.median(whole_cpu):.1f} ms")
            t0 = time.perf_counter()
            await app.projections.at(AT)
            print(f"ProjectionService.at() with the history unchanged (remembered inputs): "
                  f"{1000 * (time.perf_counter() - t0):.1f} ms")
            appended = []
            for i in range(args.rounds):  # one update recorded, then the question that follows it
                lead = data.shares[(7 * i) % len(data.shares)].lead_id
                async with app.sessions() as session, session.begin():
                    await StatusRepository(session).record(
                        lead, status="in_progress", percent=40, note=None, user_id=None, channel="bench", text=None,
                        key=None, at=dt.datetime(2022, 9, 1 + i % 28, 10, tzinfo=app.clock.tz))
                c0 = time.process_time()
                await app.projections.at(AT)
                appended.append(time.process_time() - c0)
            print(f"ProjectionService.at() after one update was appended (its rows read alone, its share projected "
                  f"again): CPU median {1000 * statistics.median(appended):.1f} ms, max {1000 * max(appended):.1f} ms")
            verdict = "OK" if statistics.median(pure_cpu) <= GOAL else "SLOWER THAN GOAL"
            print(f"goal ≤ {1000 * GOAL:.0f} ms (CPU) for the replay: {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
