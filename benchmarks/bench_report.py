"""Time of drafting the annual CCHC report (`cchc-bot report draft --period Y`) on the seed plan with a
year's worth of activity: N status updates (default 1,000), M evidence rows (default 500) — the same data
as `bench_export.py`, from `benchmarks/fixtures.py` — and a figure for every numeric target. Times the read (plan, history, evidence,
figures as of the cut-off) and the render (docxtpl into the bundled template) over several rounds.
Goal (issue 13): under 2 s.

    .venv/bin/python benchmarks/bench_report.py [--updates 1000] [--evidence 500] [--rounds 5] [--db URL]
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

import docx

from benchmarks.fixtures import NOW, active_app, activity_arguments, setup_line
from domain.people import UserView


async def figures(app) -> int:
    coordinator = await app.users.ensure_local_user("bench", "coord", "van-phong", "coordinator", "Điều phối")
    _, targets = await app.targets.targets()
    count = 0
    for i, target in enumerate(t for t in targets if t.goal is not None):
        outcome = await app.targets.record(
            UserView(coordinator.id, "van-phong", "coordinator"), target_id=target.id, period="Y",
            value=float(50 + (i * 7) % 51), channel="bench", text=None, key=None,
            now=dt.datetime(2022, 12, 1, 9, 0, tzinfo=NOW.tzinfo),
        )
        count += outcome.kind == "recorded"
    return count


def pages(path: Path, root: Path) -> str:
    """The page count LibreOffice gives the draft (converted to PDF headless), or why it cannot be counted."""
    import re
    import shutil
    import subprocess

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return "not counted (LibreOffice is not installed)"
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{root / 'lo'}", "--convert-to", "pdf",
                    "--outdir", str(root), str(path)], capture_output=True, timeout=300, check=False)
    pdf = path.with_suffix(".pdf")
    if not pdf.exists():
        return "not counted (LibreOffice did not convert the draft)"
    return str(len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())))


async def main() -> None:
    parser = activity_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]), rounds=5)
    parser.add_argument("--period", default="Y")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        async with active_app(root, updates=args.updates, evidence=args.evidence, db=args.db) as (app, seconds):
            started = time.perf_counter()
            reported = await figures(app)
            seconds += time.perf_counter() - started
            print(setup_line(app, seconds, args.updates, args.evidence, f" + {reported} target figures"))
            totals, loads, renders = [], [], []
            for i in range(args.rounds):
                path = root / f"report-{i}.docx"
                t0 = time.perf_counter()
                draft, _, render_seconds = await app.reports.write(args.period, path, 2022)
                totals.append(time.perf_counter() - t0)
                loads.append(draft.load_seconds)
                renders.append(render_seconds)
            document = docx.Document(str(path))
            print(
                f"report draft --period {args.period}: median {statistics.median(totals):.3f} s, max {max(totals):.3f} s "
                f"(read {statistics.median(loads):.3f} s, render {statistics.median(renders):.3f} s), "
                f"{path.stat().st_size / 1024:.0f} KB, {len(document.paragraphs)} paragraphs; "
                f"{draft.evidence_accepted} accepted evidence files by the cut-off"
            )
            print(f"pages: {pages(path, root)}")
            print(f"goal < 2 s: {'OK' if max(totals) < 2.0 else 'SLOWER THAN GOAL'}")


if __name__ == "__main__":
    asyncio.run(main())
