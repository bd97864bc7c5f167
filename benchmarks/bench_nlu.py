"""NLU latency: messages/second and p50/p95/p99 of `Understander.parse` over the dev-set texts.

Run: `.venv/bin/python benchmarks/bench_nlu.py [--repeat N]`. The index is built once from the bundled
seed plan (as the bot does per plan version); only `parse` is timed, because that is what every incoming
message pays. A 5,000-character message and an emoji-only one are timed separately: they are the inputs
most likely to be slow by accident.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conversation.nlu import TaskIndex, Understander  # noqa: E402
from domain.reporting import ReportingCalendar  # noqa: E402
from domain.units import UnitDirectory  # noqa: E402
from storage.importers import parse_plan_file  # noqa: E402

DEFAULTS = ROOT / "bot" / "defaults"
DEV_SET = ROOT / "tests" / "data" / "nlu_dev.jsonl"


def build() -> tuple[Understander, float]:
    units = UnitDirectory.load(DEFAULTS / "units.yaml")
    reporting = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
    plan = parse_plan_file(DEFAULTS / "ke-hoach-cchc-2022.txt", units, reporting)
    start = time.perf_counter()
    index = TaskIndex.from_tasks(
        ((t.number, t.title, [p for a in t.assignments for p in a.products]) for t in plan.tasks),
        {s.number: s.title for s in plan.sections},
    )
    understander = Understander(units, index)
    return understander, (time.perf_counter() - start) * 1000


def percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def measure(understander: Understander, texts: list[str], today: dt.date, repeat: int) -> dict[str, float]:
    for text in texts:  # warm caches (typo corrections are memoised) the way a running bot is warm
        understander.parse(text, today)
    latencies: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
            understander.parse(text, today)
            latencies.append((time.perf_counter_ns() - t0) / 1e6)
            cpu.append((time.thread_time_ns() - c0) / 1e6)
    elapsed = time.perf_counter() - start
    latencies.sort()
    cpu.sort()
    return {
        "cpu_p50": percentile(cpu, 50),
        "cpu_p95": percentile(cpu, 95),
        "n": len(latencies),
        "msg_per_s": len(latencies) / elapsed,
        "mean": statistics.fmean(latencies),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": latencies[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    understander, build_ms = build()
    today = dt.date(2022, 8, 15)
    texts = [json.loads(line)["text"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    long_text = ("Văn phòng còn việc gì chưa xong trong quý này không ạ, em cần báo cáo lãnh đạo. " * 70)[:5000]
    rows = [
        ("dev set", measure(understander, texts, today, args.repeat)),
        ("5,000 chars", measure(understander, [long_text], today, max(5, args.repeat // 5))),
        ("emoji only", measure(understander, ["😀🎉👍" * 20], today, args.repeat)),
    ]
    print(f"index + understander build: {build_ms:.1f} ms")
    # wall-clock latencies include waiting for the CPU on a busy machine; the CPU columns do not
    print(
        f"{'corpus':<12} {'n':>6} {'msg/s':>9} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'cpu p50':>8} {'cpu p95':>8}"
    )
    for name, r in rows:
        print(
            f"{name:<12} {r['n']:>6} {r['msg_per_s']:>9.0f} {r['mean']:>8.3f} {r['p50']:>8.3f} "
            f"{r['p95']:>8.3f} {r['p99']:>8.3f} {r['max']:>8.3f} {r['cpu_p50']:>8.3f} {r['cpu_p95']:>8.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
