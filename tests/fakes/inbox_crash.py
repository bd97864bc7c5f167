"""The durable-inbox crash scenario, shared by tests/e2e/test_inbox_crash.py and benchmarks/bench_inbox.py.

A real `cchc-bot run` process (long polling) against `FakeTelegram`: `users × per_user` status updates
(«nv T đang làm P%», a different P each time) are queued before it starts; once `kill_after` answers
went out, further sends are held in flight and the process gets SIGKILL; then it is started again and
must finish the job. Every update must be recorded exactly once and answered exactly once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.bootstrap import build_app
from domain.clock import FixedClock
from storage.models import Assignment, AssignmentLead, InboxUpdate, StatusUpdate, Task
from tests import db_templates
from tests.conftest import make_settings
from tests.fake_telegram.server import FakeTelegram, TgUser
from tests.fakes.reminders import add_person
from tests.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = ("thanh-tra", "khtcth", "qlcn", "qlnl", "qltm", "ttkc")
RECORDED = re.compile(r"Đang thực hiện (\d+)%</b>|Đã xử lý xong tin «nv \d+ đang làm (\d+)%»")


@dataclass
class CrashResult:
    updates: int
    answered_before_kill: int
    recorded: Counter = field(default_factory=Counter)  # (user, percent) → status rows
    answered: Counter = field(default_factory=Counter)  # (chat, percent) → answers
    inbox: dict[str, int] = field(default_factory=dict)
    kill_to_done: float = 0.0
    stop_seconds: float = 0.0
    first_exit: int | None = None
    peak_rss_kb: int = 0
    # (chat, percent) → when each of its answers arrived, in seconds from the stop signal to the first process
    # (negative: before it), and the inbox rows by state as that process left them: which window a double came from
    answer_times: dict[tuple[int, int], list[float]] = field(default_factory=dict)
    states_at_stop: dict[str, int] = field(default_factory=dict)

    def doubles(self) -> str:
        """The answers sent twice, with their timing, for the failure message."""
        twice = {key: self.answer_times.get(key) for key, n in self.answered.items() if n > 1}
        return f"answered twice (s after the stop): {twice}; inbox at the stop: {self.states_at_stop}"


async def prepare(url: str, tmp_path: Path, users: int) -> list[tuple[TgUser, int]]:
    """The seed plan and `users` heads (their Telegram id is their chat), each with a task of their unit."""
    app = await db_templates.seeded_app(make_settings(tmp_path, database_url=url),
                                        clock=FixedClock(dt.datetime(2022, 8, 15, 9, tzinfo=TZ)))
    try:
        async with app.sessions() as session:
            rows = (await session.execute(
                select(AssignmentLead.unit_id, func.min(Task.number))
                .join(Assignment, Assignment.id == AssignmentLead.assignment_id)
                .join(Task, Task.id == Assignment.task_id).group_by(AssignmentLead.unit_id)
            )).all()
        first_task = dict(rows)
        people = []
        for n in range(users):
            unit = UNITS[n % len(UNITS)]
            user = TgUser(7000 + n, f"Người {n}")
            await add_person(app, unit, "head", chat=str(user.id), name=user.first_name)
            people.append((user, first_task[unit]))
        return people
    finally:
        await app.close()


def start_bot(url: str, fake: FakeTelegram, tmp_path: Path, **env: str) -> subprocess.Popen:
    values = {
        **os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "CCHC_DATA_DIR": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_BASE_URL": fake.base_url,
        "TELEGRAM_BASE_FILE_URL": fake.base_file_url, "CCHC_TODAY": "2022-08-15", "LOG_LEVEL": os.environ.get("CCHC_CRASH_LOG_LEVEL", "WARNING"),
        "SENDER_RATE_PER_MINUTE": "100000", **env,
    }
    log = open(tmp_path / "bot.log", "a")  # noqa: SIM115 - the child writes to it until it exits
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=values, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=log, text=True)


def recorded_answers(fake: FakeTelegram) -> list:
    return [c for c in fake.sent() if RECORDED.search(c.text)]


def peak_rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) if match else 0


async def settled(url: str, tmp_path: Path, delivered, timeout: float) -> None:
    """Wait until every delivered answer is marked answered (seen only in the database)."""
    app = await build_app(make_settings(tmp_path, database_url=url), migrate=False)

    async def marked() -> bool:
        async with app.sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.state == "answered"))
        return count >= delivered()

    try:
        await eventually(marked, timeout=timeout, what="every delivered answer marked answered")
    finally:
        await app.close()


async def inbox_states(url: str, tmp_path: Path) -> dict[str, int]:
    app = await build_app(make_settings(tmp_path, database_url=url), migrate=False)
    try:
        async with app.sessions() as session:
            return dict((await session.execute(
                select(InboxUpdate.state, func.count()).group_by(InboxUpdate.state))).all())
    finally:
        await app.close()


async def run(url: str, tmp_path: Path, *, users: int = 30, per_user: int = 10, kill_after: int = 40,
              timeout: float = 120, stop: signal.Signals = signal.SIGKILL, **env: str) -> CrashResult:
    """`stop=SIGTERM`: a graceful stop instead of the kill; `stop_seconds` says how long it took. `env`
    goes to both bot processes (the tests lift the per-bot pacing: Telegram's 25 a second would make
    300 answers take 12 s, and durability, not pacing, is what they check)."""
    people = await prepare(url, tmp_path, users)
    result = CrashResult(users * per_user, 0)
    async with FakeTelegram() as fake:
        for round_ in range(per_user):
            for user, task in people:
                fake.message(user, f"nv {task} đang làm {5 * (round_ + 1)}%")
        fake.hold_sends(kill_after)
        first = start_bot(url, fake, tmp_path, **env)
        try:
            await fake.wait_for(lambda c: RECORDED.search(c.text) is not None and c.ok, count=kill_after,
                                timeout=timeout)
            # Kill while later sends are in flight (held) and updates are being handled — but not in
            # the one window no messenger lets a bot close: an answer Telegram accepted whose
            # `answered` mark is not committed yet would be sent again after the restart (docs/operations.md).
            await settled(url, tmp_path, lambda: len(recorded_answers(fake)), timeout)
            result.answered_before_kill = len(recorded_answers(fake))
            stopped_at = time.monotonic()
            first.send_signal(stop)
            await asyncio.to_thread(first.wait, 30)
            result.stop_seconds = time.monotonic() - stopped_at
            result.first_exit = first.returncode
            result.states_at_stop = await inbox_states(url, tmp_path)  # as the first process left them
        finally:
            if first.poll() is None:
                first.kill()
        fake.drop_held()
        killed_at = time.monotonic()
        second = start_bot(url, fake, tmp_path, **env)
        try:
            try:
                await fake.wait_for(lambda c: RECORDED.search(c.text) is not None and c.ok, count=result.updates,
                                    timeout=timeout)
            except TimeoutError:
                seen = Counter((c.method, c.status) for c in fake.calls)
                other = [c.text[:80] for c in fake.sent() if not RECORDED.search(c.text)]
                raise AssertionError(f"{len(recorded_answers(fake))} answers of {result.updates}; calls: {seen}; "
                                     f"other answers: {other}; "
                                     f"log: {(tmp_path / 'bot.log').read_text()[-2000:]}") from None
            result.kill_to_done = time.monotonic() - killed_at
            # Every answer is out; a second answer to any of them would be sent before the process has
            # stopped (a graceful stop finishes what is in hand), so stop it and count what it sent.
            await settled(url, tmp_path, lambda: result.updates, timeout)
            result.peak_rss_kb = peak_rss_kb(second.pid)
            second.send_signal(signal.SIGTERM)
            await asyncio.to_thread(second.wait, 15)
            assert second.returncode == 0, (tmp_path / "bot.log").read_text()[-3000:]
        finally:
            if second.poll() is None:
                second.kill()
        for call in recorded_answers(fake):
            match = RECORDED.search(call.text)
            key = (call.chat_id, int(match.group(1) or match.group(2)))
            result.answered[key] += 1
            result.answer_times.setdefault(key, []).append(round(call.at - stopped_at, 3))
    app = await build_app(make_settings(tmp_path, database_url=url), migrate=False)
    try:
        async with app.sessions() as session:
            from storage.models import Identity

            rows = await session.execute(
                select(Identity.external_id, StatusUpdate.percent)
                .join(Identity, Identity.user_id == StatusUpdate.user_id)
            )
            for chat, percent in rows:
                result.recorded[(int(chat), percent)] += 1
    finally:
        await app.close()
    result.inbox = await inbox_states(url, tmp_path)
    return result
