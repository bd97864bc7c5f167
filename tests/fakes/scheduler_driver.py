"""A scheduler process for the multi-process tests: ticks the reminder service through simulated days
with its own FixedClock, on a shared database, with a sender that appends every message it is asked to
deliver to a file (one JSON line: delivery key, chat, simulated time, process name).

    python tests/fakes/scheduler_driver.py --db URL --name A --out sends-A.jsonl \
        --start 2022-09-01 --days 30 [--times 08:00,11:00] [--hang-on-send] [--lease 300] [--again-after S]

--hang-on-send: print «claimed <key>» at the first send and hang there, so that the test can kill the
process between claim and send. --again-after S: after the run, wait S real seconds and tick the last
instant once more (used after a restart, once the dead process's lease has expired). --peers N (with
--go): at the end of each simulated day, wait until N processes have finished that day — they share one
calendar, as processes on one real clock do; without it one could run a whole day ahead of the other and
re-plan an item the other has claimed but not yet recorded, which no real deployment can do.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.bootstrap import build_app
from bot.settings import Settings
from domain.clock import FixedClock
from domain.messages import Reply
from services.reminders import ReminderService
from tests.fakes.reminders import fast_service
from tests.waiting import eventually

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MARK = "\n#key="


def stamp_keys(service: ReminderService) -> None:
    """Let the sender see which message (person and day: its delivery key) it is sending."""
    original = service.compose

    def compose(message, delivery_id):
        return _stamped(original(message, delivery_id), message.key)

    service.compose = compose


def _stamped(reply: Reply, key: str) -> Reply:
    reply.text += f"{MARK}{key}"
    return reply


class FileSender:
    channel = "telegram"

    def __init__(self, out: Path, name: str, clock: FixedClock, hang: bool) -> None:
        self.out = out.open("a", encoding="utf-8")
        self.name = name
        self.clock = clock
        self.hang = hang

    async def send(self, chat_id: str, reply: Reply) -> None:
        key = reply.text.rsplit(MARK, 1)[1]
        if self.hang:
            print(f"claimed {key}", flush=True)
            await asyncio.sleep(3600)
        await asyncio.sleep(0.002)  # a network round trip, so that claims stay in flight for a moment
        line = {"key": key, "chat": chat_id, "at": self.clock.now().isoformat(), "by": self.name}
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()


async def day_done(go: Path, day: dt.date, name: str, peers: int) -> None:
    """Mark `day` done for this process and wait until `peers` processes have marked it."""
    (go.parent / f"{go.name}.{day.isoformat()}.{name}").touch()
    try:
        await eventually(lambda: len(list(go.parent.glob(f"{go.name}.{day.isoformat()}.*"))) >= peers,
                         timeout=120, interval=0.005)
    except TimeoutError:
        raise SystemExit(f"the other processes never finished {day}") from None


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--times", default="08:00,09:30,11:00,14:00,16:30")
    parser.add_argument("--hang-on-send", action="store_true")
    parser.add_argument("--lease", type=float, default=300.0)
    parser.add_argument("--again-after", type=float, default=None)
    parser.add_argument("--go", type=Path, default=None,
                        help="print «ready» once set up, then start ticking when this file exists")
    parser.add_argument("--peers", type=int, default=1, help="with --go: processes to wait for at each day's end")
    args = parser.parse_args(argv)

    times = [dt.time.fromisoformat(t) for t in args.times.split(",")]
    clock = FixedClock(dt.datetime.combine(args.start, times[0], TZ))
    settings = Settings(database_url=args.db, cchc_data_dir=args.out.parent, _env_file=None)
    app = await build_app(settings, clock=clock, migrate=False)
    try:
        service = fast_service(app, worker=args.name, lease_seconds=args.lease)
        stamp_keys(service)
        senders = {"telegram": FileSender(args.out, args.name, clock, args.hang_on_send)}
        if args.go is not None:  # a start line shared with the other process, so that they really compete
            print("ready", flush=True)
            try:
                await eventually(args.go.exists, timeout=120, interval=0.005)
            except TimeoutError:
                raise SystemExit("the start signal never came") from None
        for n in range(args.days):
            day = args.start + dt.timedelta(days=n)
            for t in times:
                clock.set(dt.datetime.combine(day, t, TZ))
                await service.tick(senders)
            if args.go is not None and args.peers > 1:
                await day_done(args.go, day, args.name, args.peers)
        if args.again_after is not None:
            await asyncio.sleep(args.again_after)
            await service.tick(senders)
    finally:
        await app.close()


if __name__ == "__main__":
    asyncio.run(main())
