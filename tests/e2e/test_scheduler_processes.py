"""Exactly-once across real OS processes on one PostgreSQL database.

Two scheduler processes (tests/fakes/scheduler_driver.py) tick through 1–16 December 2022 (114 messages:
check-ins, report input, the year-end run-up) at the same simulated instants, each with its own clock and
sender, waiting for each other at each day's end as processes on one real clock do; every person's message
of the day (its delivery key) must be delivered exactly once. Then a process is killed between claim and
send: after a restart the reminder goes out once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.bootstrap import build_app
from domain.clock import FixedClock
from domain.reminders import message_key
from storage.models import ReminderDelivery
from tests.conftest import SEED, make_settings
from tests.fakes.reminders import add_person, fast_service

pytestmark = pytest.mark.heavy

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "fakes" / "scheduler_driver.py"
TIMES = "08:00,11:00,16:30"  # the window's opening, a tick that finds everything sent, the last one
UNITS = ("van-phong", "thanh-tra", "khtcth", "qlcn", "qltm", "qlnl", "ttkc", "mot-cua", "lanh-dao-so")


async def prepare(url: str, tmp_path: Path) -> object:
    """Schema, the seed plan and ~40 people, before any scheduler process starts (two processes
    must not race to migrate an empty database)."""
    app = await build_app(make_settings(tmp_path, database_url=url),
                          clock=FixedClock(dt.datetime(2022, 9, 1, 8, tzinfo=TZ)))
    await app.plans.import_plan(SEED)
    for unit in UNITS:
        await add_person(app, unit, "head", chat=f"c{await _next_id(app)}")
        for _ in range(3):
            await add_person(app, unit, "officer", enabled=True, chat=f"c{await _next_id(app)}")
    await add_person(app, "van-phong", "coordinator", chat=f"c{await _next_id(app)}")
    return app


async def _next_id(app) -> int:
    from sqlalchemy import func

    from storage.models import User

    async with app.sessions() as session:
        return (await session.scalar(select(func.max(User.id))) or 0) + 1


async def expected_keys(app, start: dt.date, days: int) -> set[str]:
    """What one process alone would deliver: the simulator's messages (on a throw-away copy)."""
    messages = await fast_service(app).simulate(start, start + dt.timedelta(days=days - 1))
    return {message_key(m.at.date(), m.to_user) for m in messages}


def driver(url: str, name: str, out: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(DRIVER), "--db", url, "--name", name, "--out", str(out), "--times", TIMES, *args],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs,
    )


def finish(proc: subprocess.Popen, timeout: float = 120) -> None:
    _out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]


def sends(*files: Path) -> list[dict]:
    return [json.loads(line) for f in files if f.exists() for line in f.read_text().splitlines()]


async def ledger(app) -> dict[str, tuple[str, int]]:
    async with app.sessions() as session:
        rows = (await session.execute(select(ReminderDelivery.key, ReminderDelivery.state,
                                             ReminderDelivery.attempts))).all()
    return {key: (state, attempts) for key, state, attempts in rows}


async def test_two_processes_over_half_a_month_deliver_every_key_once(postgres_url, tmp_path):
    app = await prepare(postgres_url, tmp_path)
    try:
        expected = await expected_keys(app, dt.date(2022, 12, 1), 16)
        assert len(expected) > 100
        a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
        go = tmp_path / "go"
        procs = [driver(postgres_url, name, out, "--start", "2022-12-01", "--days", "16", "--go", str(go), "--peers", "2")
                 for name, out in (("A", a), ("B", b))]
        for proc in procs:  # both set up (the slow part) before either ticks: with one message per person
            line = proc.stdout.readline()  # and day there are few keys, and a head start would take them all
            assert line.strip() == "ready", proc.stderr.read()[-3000:]
        go.touch()
        for proc in procs:
            finish(proc)
        delivered = sends(a, b)
        counts = Counter(s["key"] for s in delivered)
        assert [k for k, n in counts.items() if n > 1] == []
        assert set(counts) == expected
        by = Counter(s["by"] for s in delivered)
        assert by["A"] > 0 and by["B"] > 0, by  # both processes really competed
        rows = await ledger(app)
        assert {k for k, (state, _) in rows.items() if state == "sent" and k.startswith("msg:")} == expected
        assert all(":digest:" in k for k, (state, _) in rows.items() if state != "sent")  # empty digests
        for s in delivered:  # and only inside the window on working days
            at = dt.datetime.fromisoformat(s["at"])
            assert app.workdays.is_working_day(at.date()) and dt.time(8) <= at.time() < dt.time(17)
    finally:
        await app.close()


async def test_a_process_killed_between_claim_and_send_is_retried_after_restart(postgres_url, tmp_path):
    app = await prepare(postgres_url, tmp_path)
    try:
        day = ["--start", "2022-09-30", "--days", "1", "--lease", "2"]
        expected = await expected_keys(app, dt.date(2022, 9, 30), 1)
        first = tmp_path / "first.jsonl"
        proc = driver(postgres_url, "doomed", first, *day, "--hang-on-send")
        line = proc.stdout.readline()
        assert line.startswith("claimed "), proc.stderr.read()[-3000:]
        key = line.split()[1]
        proc.kill()
        proc.wait(timeout=10)
        assert sends(first) == []
        rows = await ledger(app)
        assert rows[key] == ("claimed", 1)  # claimed, never sent: the message is not lost yet
        stuck = {k for k, (state, _) in rows.items() if state == "claimed"}
        assert not [k for k, (state, _) in rows.items() if state == "sent"]  # items are recorded once sent

        second = tmp_path / "second.jsonl"
        finish(driver(postgres_url, "restarted", second, *day, "--again-after", "2.5"))
        counts = Counter(s["key"] for s in sends(first, second))
        assert counts[key] == 1 and max(counts.values()) == 1
        assert set(counts) == expected
        rows = await ledger(app)
        assert rows[key] == ("sent", 2)
        assert all(rows[k] == ("sent", 2) for k in stuck)
    finally:
        await app.close()
