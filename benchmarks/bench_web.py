"""Server-side render time and weight of the web overview (issue 14).

Loads the bundled 2022 plan, writes N status updates (default 1,000) and 500 evidence rows spread over
the year (the same generator as bench_export.py: benchmarks/fixtures.py), signs a coordinator in through a one-time link, then
requests the overview (`GET /`, everything the server does: session, queries, template) R times through
the ASGI app in-process and reports wall-clock and CPU p50/p95 and the page's size (the page has no
images; its charts are inline SVG). CPU time is what a request costs whatever else runs on the machine;
wall time on a loaded machine also holds the waits for a core. Also times a unit page and a task page. Goal: p95 ≤ 50 ms, page ≤ 200 KB.

    .venv/bin/python benchmarks/bench_web.py [--updates 1000] [--rounds 200] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from benchmarks.fixtures import active_app, activity_arguments
from web.server import create_web_app


async def timed(client: httpx.AsyncClient, path: str, rounds: int) -> tuple[list[float], list[float], int]:
    await client.get(path)  # warm: template compiled, plan structure cached
    wall, cpu, size = [], [], 0
    for _ in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = await client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)  # this process, the database thread included
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.content)
    return wall, cpu, size


def summary(name: str, wall: list[float], cpu: list[float], size: int) -> str:
    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[94]

    return (f"{name:<22} wall p50 {statistics.median(wall):6.1f} p95 {p95(wall):6.1f} ms · "
            f"CPU p50 {statistics.median(cpu):5.1f} p95 {p95(cpu):5.1f} ms · page {size / 1024:5.1f} KB")


async def main() -> None:
    args = activity_arguments(argparse.ArgumentParser(), rounds=200).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        async with active_app(Path(tmp), updates=args.updates, evidence=args.evidence, db=args.db) as (app, _):
            link = await app.web_auth.issue_link(now=app.clock.now(), unit_id="van-phong", role="coordinator")
            transport = httpx.ASGITransport(create_web_app(app))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                await client.post(link.url.split("8080", 1)[1])
                print(f"seed plan, {args.updates} status updates, {args.evidence} evidence rows, {args.rounds} rounds; "
                      f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
                for name, path in (("overview (whole Sở)", "/"), ("overview, Q3 filter", "/?period=Q3&status=late"),
                                   ("unit page", "/don-vi/van-phong"), ("task page", "/nhiem-vu/5")):
                    print(summary(name, *await timed(client, path, args.rounds)))


if __name__ == "__main__":
    asyncio.run(main())
