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
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import load_workbook

from benchmarks.fixtures import NOW, active_app, activity_arguments, setup_line


async def main() -> None:
    parser = activity_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]), rounds=5)
    parser.add_argument("--period", default="Q3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        async with active_app(root, updates=args.updates, evidence=args.evidence, db=args.db) as (app, seconds):
            print(setup_line(app, seconds, args.updates, args.evidence))
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


if __name__ == "__main__":
    asyncio.run(main())
