"""The durable inbox under a crash: 300 queued status updates, the real `cchc-bot run` process gets
SIGKILL after 40 answers, then restarts (tests/fakes/inbox_crash.py). Prints per database: updates
recorded once / answered once, time from the kill to the last answer, the restarted process's peak
RSS; and a graceful SIGTERM's stop time.

    .venv/bin/python benchmarks/bench_inbox.py [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes import inbox_crash


async def fresh_postgres(admin_url: str) -> tuple[str, str]:
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"cchc_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(admin_url).set(drivername="postgresql")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return admin.set(database=name).render_as_string(hide_password=False), name


async def drop_postgres(admin_url: str, name: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url).set(drivername="postgresql")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


def report(label: str, r: inbox_crash.CrashResult) -> None:
    once = sum(1 for v in r.recorded.values() if v == 1)
    answered = sum(1 for v in r.answered.values() if v == 1)
    print(f"| {label} | {r.updates} | {r.answered_before_kill} | {once} | {answered} | "
          f"{max(r.recorded.values(), default=0)} / {max(r.answered.values(), default=0)} | "
          f"{r.kill_to_done:.1f} s | {r.peak_rss_kb / 1024:.0f} MB | {r.stop_seconds:.1f} s |")


async def main(postgres: str | None) -> None:
    print("| database, stop | updates | answered before the stop | recorded once | answered once | "
          "max recorded / answered | restart → last answer | peak RSS after restart | stop took |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite, SIGKILL", await inbox_crash.run(f"sqlite:///{tmp}/crash.db", Path(tmp)))
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite, SIGTERM", await inbox_crash.run(f"sqlite:///{tmp}/term.db", Path(tmp), stop=signal.SIGTERM))
    if postgres:
        url, name = await fresh_postgres(postgres)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                report("PostgreSQL, SIGKILL", await inbox_crash.run(url, Path(tmp)))
        finally:
            await drop_postgres(postgres, name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=None)
    asyncio.run(main(parser.parse_args().postgres))
