"""Time of the Excel export on the seed plan with a year's worth of activity.

Loads the bundled 2022 plan, writes N status updates (default 1,000) spread over the year across every
lead unit's shares and M evidence rows (default 500, about two thirds reviewed), then times the export
— read (four queries) and write (openpyxl, four sheets with --period) — over several rounds, for the
whole department and for one unit. Goal (issue 6): under 2 s for 1,000 updates and 500 evidence rows.

    .venv/bin/python benchmarks/bench_export.py [--updates 1000] [--evidence 500] [--rounds 5] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import load_workbook
from sqlalchemy import select

from bot.bootstrap import build_app
from bot.settings import DEFAULTS, Settings
from domain.clock import FixedClock
from storage.models import AssignmentLead, Evidence, User
from storage.repositories.plans import PlanRepository
from storage.repositories.statuses import StatusRepository
from tests.conversation_kit import TZ

NOW = dt.datetime(2022, 10, 3, 9, 0, tzinfo=TZ)
STATUSES = ("in_progress", "in_progress", "blocked", "done", "done")


async def populate(app, updates: int, evidence: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    async with app.sessions() as session, session.begin():
        await PlanRepository(session).sync_units(app.units)
        leads = list((await session.scalars(select(AssignmentLead).order_by(AssignmentLead.id))).all())
        people: dict[str, User] = {}
        for unit in sorted({lead.unit_id for lead in leads}):
            people[unit] = User(unit_id=unit, role="head", display_name=f"Trưởng {unit}")
            session.add(people[unit])
        coordinator = User(unit_id="van-phong", role="coordinator", display_name="Điều phối")
        session.add(coordinator)
        await session.flush()
        repo = StatusRepository(session)
        start = dt.datetime(2022, 1, 4, 8, 0, tzinfo=TZ)
        span = (NOW - start).total_seconds()
        moments = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(updates))
        for at in moments:
            lead = rng.choice(leads)
            status = rng.choice(STATUSES)
            percent = rng.choice((20, 40, 60, 80)) if status == "in_progress" else (100 if status == "done" else None)
            note = "chờ hướng dẫn của Sở Nội vụ" if status == "blocked" else None
            await repo.record(lead.id, status=status, percent=percent, note=note, user_id=people[lead.unit_id].id,
                              channel="telegram", text=None, key=None, at=at)
        for i in range(evidence):
            lead = rng.choice(leads)
            created = start + dt.timedelta(seconds=rng.uniform(0, span))
            digest = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
            state = rng.choice(("pending", "accepted", "accepted", "returned"))
            session.add(Evidence(
                lead_id=lead.id, user_id=people[lead.unit_id].id, channel="telegram", caption=f"nv minh chứng {i}",
                file_name=f"minh-chung-{i}.pdf", sha256=digest, size=rng.randint(20_000, 5_000_000),
                mime_type="application/pdf", path=f"2022/x/{digest}.pdf", created_at=created,
                review_state=state, review_comment="Thiếu chữ ký, gửi lại" if state == "returned" else None,
                reviewed_by=coordinator.id if state != "pending" else None,
                reviewed_at=created + dt.timedelta(days=1) if state != "pending" else None,
            ))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--evidence", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--period", default="Q3")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings(cchc_data_dir=root, database_url=args.db or f"sqlite:///{root / 'bench.db'}", _env_file=None)
        app = await build_app(settings, clock=FixedClock(NOW))
        try:
            await app.plans.import_plan(DEFAULTS / "ke-hoach-cchc-2022.txt")
            started = time.perf_counter()
            await populate(app, args.updates, args.evidence)
            print(f"setup: seed plan + {args.updates} status updates + {args.evidence} evidence rows "
                  f"in {time.perf_counter() - started:.2f} s ({app.engine.dialect.name}); "
                  f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (figures scale with it)")
            service = app.exports
            for label, unit in (("toàn Sở", None), ("Văn phòng Sở", "van-phong")):
                totals, loads, writes = [], [], []
                for i in range(args.rounds):
                    path = root / f"export-{unit or 'all'}-{i}.xlsx"
                    t0 = time.perf_counter()
                    result = await service.export(path, now=NOW, unit_id=unit, period=args.period)
                    totals.append(time.perf_counter() - t0)
                    loads.append(result.load_seconds)
                    writes.append(result.write_seconds)
                wb = load_workbook(path, read_only=True)
                sheets = ", ".join(f"{name} {wb[name].max_row}" for name in wb.sheetnames)
                print(
                    f"export {label} --period {args.period}: median {statistics.median(totals):.3f} s, "
                    f"max {max(totals):.3f} s (read {statistics.median(loads):.3f} s, write "
                    f"{statistics.median(writes):.3f} s), {path.stat().st_size / 1024:.0f} KB; rows: {sheets}"
                )
                if unit is None:
                    verdict = "OK" if max(totals) < 2.0 else "SLOWER THAN GOAL"
                    print(f"goal < 2 s for the whole department: {verdict}")
        finally:
            await app.close()


if __name__ == "__main__":
    asyncio.run(main())
