"""Synthetic national-scale plans for the reminder benchmarks, inserted in bulk (core INSERTs with
explicit ids — going through the importer would measure the importer, not the tick).

One assignment = one task row, one lead unit, one dated milestone; deadlines spread over the year;
one head (with a Telegram identity) per unit.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import uuid
from collections.abc import Callable

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from storage.models import Assignment, AssignmentLead, Identity, Milestone, Plan, Task, Unit, User

CHUNK = 5_000


async def populate(
    app,
    *,
    assignments: int,
    units: int,
    year: int = 2022,
    due: Callable[[int], dt.date] | None = None,
    seed: int = 7,
) -> None:
    rng = random.Random(seed)
    start = dt.date(year, 1, 1)
    due = due or (lambda _i: start + dt.timedelta(days=rng.randrange(365)))
    unit_ids = [f"u{n:05d}" for n in range(units)]
    now = dt.datetime.now(dt.UTC)
    tables = [
        (Unit, [{"id": u, "name": f"Đơn vị {u}", "kind": "internal"} for u in unit_ids]),
        (Plan, [{"id": 1, "year": year, "title": "Kế hoạch tổng hợp", "issuer": "Bộ", "imported_at": now}]),
        (Task, [{"id": i, "plan_id": 1, "section_number": 1, "number": i, "title": f"Nhiệm vụ tổng hợp {i}"}
                for i in range(1, assignments + 1)]),
        (Assignment, [
            {"id": i, "task_id": i, "position": 0, "lead": [unit_ids[i % units]], "coordinating": [],
             "external_coordinating": [], "products": [], "scope": None, "deadline_text": ""}
            for i in range(1, assignments + 1)
        ]),
        (AssignmentLead, [{"id": i, "assignment_id": i, "unit_id": unit_ids[i % units], "status": "not_started"}
                          for i in range(1, assignments + 1)]),
        (Milestone, [
            {"id": i, "assignment_id": i, "position": 0, "label": "Hoàn thành", "kind": "date", "text": "",
             "due": due(i)}
            for i in range(1, assignments + 1)
        ]),
        (User, [{"id": n + 1, "display_name": f"Trưởng {u}", "unit_id": u, "role": "head", "active": True,
                 "created_at": now} for n, u in enumerate(unit_ids)]),
        (Identity, [{"id": n + 1, "user_id": n + 1, "channel": "telegram", "external_id": str(n + 1),
                     "chat_id": str(n + 1), "reachable": True, "created_at": now} for n in range(units)]),
    ]
    async with app.engine.begin() as conn:
        for model, rows in tables:
            for i in range(0, len(rows), CHUNK):
                await conn.execute(insert(model), rows[i : i + CHUNK])
        if conn.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for model, _ in tables:
                if model is not Unit:
                    table = model.__tablename__
                    await conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
            await conn.exec_driver_sql("ANALYZE")


def postgres_server() -> str | None:
    return os.environ.get("CCHC_BENCH_POSTGRES_URL") or os.environ.get("CCHC_TEST_POSTGRES_URL")


class FreshPostgres:
    """A throw-away database on the benchmark's PostgreSQL server (dropped on exit)."""

    def __init__(self, server: str) -> None:
        self.admin = make_url(server).set(drivername="postgresql")
        self.name = f"cchc_bench_{uuid.uuid4().hex[:10]}"

    async def _run(self, sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.admin.render_as_string(hide_password=False))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def __aenter__(self) -> str:
        await self._run(f'CREATE DATABASE "{self.name}"')
        return self.admin.set(database=self.name).render_as_string(hide_password=False)

    async def __aexit__(self, *exc) -> None:
        await self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
