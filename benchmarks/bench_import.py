"""Import benchmark: parse + store of the seed plan and of a synthetic 5,000-task plan, first import and
re-import (update in place), on SQLite and — when CCHC_TEST_POSTGRES_URL is set — on PostgreSQL.

    .venv/bin/python benchmarks/bench_import.py [--tasks 5000] [--runs 5]

The synthetic plan is a .txt in the seed's own format, made of the seed's rows renumbered: the same
kinds of rows in the same proportions (sub-rows, rows split by page breaks with repeated headers, HTML
list cells, scoped leads, periodic reports, multi-phase deadlines), seven sections, and a page header
every eight tasks. Each figure is the median of `--runs` runs; a first import always starts from an
empty database, a re-import from the database the first import left.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.bootstrap import build_app
from bot.settings import DEFAULTS, Settings
from storage.importers.text import is_header

SEED = DEFAULTS / "ke-hoach-cchc-2022.txt"
ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII"]
SECTION_TITLES = [
    "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "CẢI CÁCH THỂ CHẾ", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "CẢI CÁCH TỔ CHỨC BỘ MÁY",
    "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "CẢI CÁCH TÀI CHÍNH CÔNG", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ",
]


# -- the synthetic plan -----------------------------------------------------------------------------
def seed_blocks(text: str) -> tuple[list[str], str, list[list[str]]]:
    """(narrative lines, header line, task blocks): each block is a task's lines in the seed — its row,
    its sub-rows, and a repeated header + continuation line when a page break splits it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if is_header(line.split("\t")))
    header = lines[start]
    table = [line for line in lines[start:] if line.strip()]
    blocks: list[list[str]] = []
    for i, line in enumerate(table):
        first = line.split("\t")[0].strip()
        if line.startswith("TỔNG SỐ"):
            break
        if first.isdigit():
            blocks.append([line])
        elif is_header(line.split("\t")):
            following = table[i + 1].split("\t")[0].strip() if i + 1 < len(table) else "x"
            if not following and blocks:  # a page break inside a row: keep it with the row
                blocks[-1].append(line)
        elif not first and blocks:
            blocks[-1].append(line)
    return lines[:start], header, blocks


def synthetic_plan(tasks: int) -> str:
    narrative, header, blocks = seed_blocks(SEED.read_text(encoding="utf-8"))
    out = [*narrative, header]
    per_section = -(-tasks // len(ROMANS))
    for number in range(1, tasks + 1):
        if (number - 1) % per_section == 0:
            section = (number - 1) // per_section
            out.append(f"{ROMANS[section]}\t{SECTION_TITLES[section]}\t\t\t\t")
        elif number % 8 == 0:
            out.extend(["", header])  # a page break between rows
        block = blocks[(number - 1) % len(blocks)]
        first = block[0].split("\t")
        out.append("\t".join([str(number), *first[1:]]))
        out.extend(block[1:])
    out.append(f"TỔNG SỐ: {tasks} NHIỆM VỤ\t\t\t\t\t")
    return "\n".join(out) + "\n"


# -- databases --------------------------------------------------------------------------------------
@asynccontextmanager
async def sqlite_db(workdir: Path):
    path = workdir / f"{uuid.uuid4().hex}.db"
    yield f"sqlite:///{path}"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@asynccontextmanager
async def postgres_db(server: str):
    import asyncpg
    from sqlalchemy.engine import make_url

    admin = make_url(server).set(drivername="postgresql")
    name = f"cchc_bench_{uuid.uuid4().hex[:12]}"

    async def run(sql: str) -> None:
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    await run(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        await run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- measuring --------------------------------------------------------------------------------------
async def timed(action: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


async def measure(plan: Path, database, runs: int, workdir: Path) -> dict[str, float]:
    parse_times, first_times, again_times = [], [], []
    for _ in range(runs):
        async with database() as url:
            app = await build_app(Settings(_env_file=None, cchc_data_dir=workdir, database_url=url))
            try:
                parse_times.append(await timed(lambda app=app: asyncio.to_thread(app.plans.parse, plan)))
                first_times.append(await timed(lambda app=app: app.plans.import_plan(plan)))
                again_times.append(await timed(lambda app=app: app.plans.import_plan(plan)))
            finally:
                await app.close()
    return {
        "parse": statistics.median(parse_times),
        "first": statistics.median(first_times),
        "again": statistics.median(again_times),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=5000, help="size of the synthetic plan")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is shown)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    synthetic = workdir / f"ke-hoach-{args.tasks}.txt"
    synthetic.write_text(synthetic_plan(args.tasks), encoding="utf-8")

    backends: list[tuple[str, Callable]] = [("SQLite", lambda: sqlite_db(workdir))]
    if server := os.environ.get("CCHC_TEST_POSTGRES_URL"):
        backends.append(("PostgreSQL", lambda: postgres_db(server)))

    print(f"median of {args.runs} runs; parse = read + understand the file; first import = parse + store into "
          "an empty database; re-import = parse + update in place")
    print("| plan | database | parse | first import | re-import |\n|---|---|---:|---:|---:|")
    for label, plan in (("seed (59 tasks)", SEED), (f"synthetic ({args.tasks:,} tasks)", synthetic)):
        for backend, database in backends:
            figures = await measure(plan, database, args.runs, workdir)
            print(
                f"| {label} | {backend} | {figures['parse']:.2f} s | {figures['first']:.2f} s "
                f"| {figures['again']:.2f} s |",
                flush=True,
            )


if __name__ == "__main__":
    asyncio.run(main())
