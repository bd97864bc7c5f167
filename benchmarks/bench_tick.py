"""One reminder tick over a national-scale plan: 100,000 assignments, 1,000 units, one head each.

Goal (issue 5): ≤ 1 s per tick on SQLite and PostgreSQL. Measured on Wednesday 21/09/2022 09:00:
- dry run: `reminders due` (date-window query, planning, ledger lookup), nothing written; «+ JSON»: the
  docs/contracts.md §4 objects of `reminders due --json` built from it (with each message's text);
- first tick: the same plus claiming and "sending" everything due to a null sender, pacing lifted
  (a catch-up after the deployment; real sends are paced at ~29 msg/s, see bench_broadcast.py);
- steady tick: the tick that runs every minute once everything due has gone out;
- Monday 08:00: the first tick of a week (1,000 digests to build and claim).

    .venv/bin/python benchmarks/bench_tick.py [--assignments 100000] [--units 1000] [--no-postgres]

PostgreSQL runs when CCHC_BENCH_POSTGRES_URL or CCHC_TEST_POSTGRES_URL names a server.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import FreshPostgres, populate, postgres_server
from bot.bootstrap import build_app
from bot.settings import Settings
from domain.clock import FixedClock
from services.reminders import as_contract
from storage.repositories.reminders import ReminderRepository
from tests.fakes.reminders import fast_service

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEDNESDAY = dt.datetime(2022, 9, 21, 9, tzinfo=TZ)
MONDAY = dt.datetime(2022, 9, 26, 8, tzinfo=TZ)


class NullSender:
    channel = "telegram"

    async def send(self, chat_id, reply) -> None:
        return None


async def timed(coro) -> tuple[float, object]:
    started = time.perf_counter()
    result = await coro
    return time.perf_counter() - started, result


async def run(url: str, backend: str, assignments: int, units: int, data_dir: Path) -> dict:
    clock = FixedClock(WEDNESDAY)
    app = await build_app(Settings(database_url=url, cchc_data_dir=data_dir, _env_file=None), clock=clock)
    try:
        started = time.perf_counter()
        await populate(app, assignments=assignments, units=units)
        load = time.perf_counter() - started
        service = fast_service(app)
        senders = {"telegram": NullSender()}
        lo, hi = service.planner.candidate_window(WEDNESDAY.date())
        async with app.sessions() as session:
            query, candidates = await timed(ReminderRepository(session).milestones_due(lo, hi))
        cpu = time.process_time()
        dry, items = await timed(service.due(WEDNESDAY))
        dry_cpu = time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        contract = as_contract(items)
        as_json, json_cpu = time.perf_counter() - started, time.process_time() - cpu
        first, report = await timed(service.tick(senders, WEDNESDAY))
        steady = min([(await timed(service.tick(senders, WEDNESDAY)))[0] for _ in range(3)])
        clock.set(MONDAY)
        monday, monday_report = await timed(service.tick(senders, MONDAY))
        monday_steady = min([(await timed(service.tick(senders, MONDAY)))[0] for _ in range(3)])
        return {
            "backend": backend, "assignments": assignments, "load": load, "candidates": len(candidates),
            "query": query, "due": sum(len(i.recipients) for i in items), "dry": dry, "json": as_json, "dry_cpu": dry_cpu, "json_cpu": json_cpu,
            "messages": len({i["message"] for i in contract if i["message"]}), "first": first,
            "sent": report.delivery.sent, "steady": steady, "monday": monday,
            "monday_sent": monday_report.delivery.sent, "monday_steady": monday_steady,
        }
    finally:
        await app.close()


def table(rows: list[dict]) -> str:
    header = ("backend", "assignments", "candidates (SQL s)", "due", "dry run s (CPU)", "+ JSON s (CPU; texts)",
              "first tick s (sent)",
              "steady tick s", "Monday 08:00 s (sent)", "Monday steady s")
    lines = [
        (r["backend"], f"{r['assignments']:,}", f"{r['candidates']:,} ({r['query']:.3f})", f"{r['due']:,}",
         f"{r['dry']:.3f} ({r['dry_cpu']:.2f})", f"{r['json']:.3f} ({r['json_cpu']:.2f}; {r['messages']:,})", f"{r['first']:.2f} ({r['sent']:,})", f"{r['steady']:.3f}",
         f"{r['monday']:.2f} ({r['monday_sent']:,})", f"{r['monday_steady']:.3f}")
        for r in rows
    ]
    widths = [max(len(x[i]) for x in (header, *lines)) for i in range(len(header))]
    fmt = lambda row: " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))  # noqa: E731
    return "\n".join([fmt(header), "-+-".join("-" * w for w in widths), *map(fmt, lines)])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(await run(f"sqlite:///{tmp}/bench.db", "sqlite", args.assignments, args.units, Path(tmp)))
    server = postgres_server()
    if server and not args.no_postgres:
        async with FreshPostgres(server) as url:
            with tempfile.TemporaryDirectory() as tmp:
                rows.append(await run(url, "postgresql", args.assignments, args.units, Path(tmp)))
    print(table(rows))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for r in rows:
        print(f"{r['backend']}: synthetic data inserted in {r['load']:.1f} s")
    if not server:
        print("(PostgreSQL skipped: set CCHC_BENCH_POSTGRES_URL or CCHC_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    asyncio.run(main())
