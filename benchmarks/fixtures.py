"""The seed plan with a year's worth of activity — shared by the export, report and web benchmarks (and
the web screenshot script), so that they measure the same data.

The bundled 2022 plan, then N status updates spread over the year across every lead unit's shares and M
evidence rows (about two thirds reviewed), one head per unit and a coordinator; the clock stands at NOW.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

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


async def populate(app, updates: int, evidence: int, seed: int = 7, end: dt.datetime = NOW) -> None:
    """N status updates between 4 January and `end` and M evidence rows, written straight to the database."""
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
        span = (end - start).total_seconds()
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


def activity_arguments(parser: argparse.ArgumentParser, *, rounds: int) -> argparse.ArgumentParser:
    """--updates, --evidence, --rounds, --db: the options every benchmark on this data takes."""
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--evidence", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    return parser


@asynccontextmanager
async def active_app(root: Path, *, updates: int, evidence: int, db: str | None = None) -> AsyncIterator[tuple]:
    """(app, seconds the activity took to write): the app on the seed plan with that activity, on a fresh
    SQLite file under `root` unless `db` names a database."""
    settings = Settings(cchc_data_dir=root, database_url=db or f"sqlite:///{root / 'bench.db'}", _env_file=None)
    app = await build_app(settings, clock=FixedClock(NOW))
    try:
        await app.plans.import_plan(DEFAULTS / "ke-hoach-cchc-2022.txt")
        started = time.perf_counter()
        await populate(app, updates, evidence)
        yield app, time.perf_counter() - started
    finally:
        await app.close()


def setup_line(app, seconds: float, updates: int, evidence: int, extra: str = "") -> str:
    return (f"setup: seed plan + {updates} status updates + {evidence} evidence rows{extra} "
            f"in {seconds:.2f} s ({app.engine.dialect.name}); "
            f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (figures scale with it)")
