"""Backup and restore at a department's scale: the seed plan, 10,000 status updates and 1,000 evidence files
(64 KB each) in SQLite, backed up, then restored into an empty PostgreSQL database — the documented way to
outgrow the embedded default (docs/operations.md). Prints the seconds of each step and the archive's size.

    CCHC_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/bench_backup.py
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from bot.cli import main as cli
from bot.settings import DEFAULTS
from storage.backup import backup, restore
from storage.db import create_engine
from storage.models import AssignmentLead, Evidence, StatusUpdate

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


async def fill(url: str, evidence: Path, updates: int, files: int, size: int) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        leads = (await connection.execute(select(AssignmentLead.id))).scalars().all()
        rows = [{"lead_id": leads[n % len(leads)], "status": "in_progress", "percent": n % 100, "channel": "telegram",
                 "note": f"cập nhật số {n}", "original_text": f"nv {n % 59 + 1} đang làm {n % 100}%",
                 "created_at": NOW - dt.timedelta(minutes=n)} for n in range(updates)]
        await connection.execute(insert(StatusUpdate), rows)
        proofs = []
        for n in range(files):
            content = hashlib.sha256(str(n).encode()).digest() * (size // 32)
            digest = hashlib.sha256(content).hexdigest()
            relative = f"{digest[:2]}/{digest}.pdf"
            (evidence / relative).parent.mkdir(parents=True, exist_ok=True)
            (evidence / relative).write_bytes(content)
            proofs.append({"lead_id": leads[n % len(leads)], "channel": "telegram", "sha256": digest,
                           "size": len(content), "mime_type": "application/pdf", "path": relative,
                           "created_at": NOW, "file_name": f"minh-chung-{n}.pdf"})
        await connection.execute(insert(Evidence), proofs)
    await engine.dispose()


async def postgres_database(admin_url: str, sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def run(args: argparse.Namespace) -> None:
    from sqlalchemy.engine import make_url

    folder = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    os.environ["CCHC_DATA_DIR"] = str(folder)
    url = f"sqlite:///{folder / 'cchc.db'}"
    evidence = folder / "evidence"
    started = time.perf_counter()
    await asyncio.to_thread(cli, ["--db", url, "plan", "import", str(DEFAULTS / "ke-hoach-cchc-2022.txt"),
                                  "--year", "2026"])
    await fill(url, evidence, args.updates, args.files, args.size)
    print(f"seeded: plan + {args.updates} updates + {args.files} files of {args.size // 1024} KB "
          f"({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    made = await backup(url, evidence, folder / "backup.tar.gz", NOW)
    took = time.perf_counter() - started
    rows = sum(made.manifest["tables"].values())
    print(f"backup (SQLite): {took:.2f} s — {rows} rows, {made.manifest['evidence']['files']} files, "
          f"archive {made.path.stat().st_size / 1e6:.1f} MB")
    target = os.environ.get("CCHC_TEST_POSTGRES_URL")
    if target:
        name = f"cchc_bench_{uuid.uuid4().hex[:10]}"
        await postgres_database(target, f'CREATE DATABASE "{name}"')
        target_url = make_url(target).set(database=name).render_as_string(hide_password=False)
        try:
            started = time.perf_counter()
            await restore(made.path, target_url, folder / "pg-evidence")
            print(f"restore into PostgreSQL: {time.perf_counter() - started:.2f} s")
        finally:
            await postgres_database(target, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        print("restore into PostgreSQL: skipped (CCHC_TEST_POSTGRES_URL is not set)")
    started = time.perf_counter()
    await restore(made.path, f"sqlite:///{folder / 'restored.db'}", folder / "sqlite-evidence")
    print(f"restore into SQLite: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--size", type=int, default=64 * 1024)
    asyncio.run(run(parser.parse_args()))
