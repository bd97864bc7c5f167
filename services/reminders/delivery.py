"""Claim → send → mark, with retries, backoff and pacing.

Exactly-once across processes comes from the database, never from the scheduler (APScheduler's job
stores cannot be shared between processes): a delivery is *claimed* by inserting its idempotency key
into `reminder_deliveries` (unique) and committing BEFORE anything is sent. Whoever inserted the row
sends; everyone else's insert does nothing. Afterwards only the claimant (its `claimed_by` token) may
mark the row sent / failed / skipped.

What can still go wrong, and what happens:
- the process dies between claim and send → the row stays `claimed`; once older than the lease
  (`delivery.lease_seconds`) another tick takes it over and sends it: not lost, not duplicated;
- the send fails (network, Bot API 5xx, 429) → `failed` with `next_attempt_at` (backoff, or the
  messenger's retry-after); retried while the reminder is still the current one, at most
  `max_attempts` times;
- the recipient blocked the bot → that identity is marked unreachable, the next one is tried;
- the process dies after the messenger accepted the message but before it was marked sent → after
  the lease it is sent again. That window (one HTTP round trip) is the only at-least-once case left;
  closing it would need the messenger to deduplicate, which no Bot API does.

Leases and backoff are measured on the *wall* clock (they are about processes and networks), while
what is due is decided on the app's clock (which tests and demos may pin or simulate).

Pacing: python-telegram-bot's AIORateLimiter lets ~60 sends pass inside one sliding second and never
limits private chats, so we space sends ourselves with a token bucket of capacity 1 per channel.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import itertools
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.messages import Reply, RetryLater, Sender, Unreachable
from domain.reminders.model import Route, aware
from domain.reminders.policy import DeliveryPolicy
from services.metrics import RATE_LIMITED, REMINDERS
from storage.repositories.reminders import Claimed, LedgerRow
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
# A ledger row to write: key, kind, unit_id, user_id, lead_id, milestone_id, due.
Record = dict[str, Any]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SettleNote(StrEnum):
    """Why a delivery row was settled without a message: a stable code in the ledger's `error` column (its
    words, for whoever lists the ledger, are `presentation.reminders.SETTLE_NOTES`). Failures keep the
    sender's own technical text there (`RetryLater`, an exception)."""

    NO_LONGER_DUE = "no_longer_due"  # the data changed between planning and sending
    UNREACHABLE = "unreachable"  # no channel of the person could take it
    RENDER_FAILED = "render_failed"  # building the message raised
    NOTHING_THIS_WEEK = "nothing_this_week"  # an empty weekly digest


class TokenBucket:
    """Spaces acquisitions at `rate` per second, and never lets more than `rate × window` through in
    any sliding `window` — the rule Telegram applies (about 30 messages per second per bot).

    The spacing follows a fixed grid (GCRA without burst allowance), not "now + interval", so the
    event loop's late wake-ups do not lower the long-run rate; the sliding-window cap then stops the
    grid from catching up with a small burst after such a late wake-up. After an idle period the grid
    restarts from now, so no credit is hoarded.
    """

    def __init__(self, rate: float, window: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.window = window
        self.cap = max(1, int(rate * window))
        self.clock = clock
        self._next = 0.0
        self._grants: collections.deque[float] = collections.deque(maxlen=self.cap)
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            now = self.clock()
            at = max(now, self._next)
            if len(self._grants) == self.cap:
                at = max(at, self._grants[0] + self.window)
            if at > now:
                await asyncio.sleep(at - now)
            self._grants.append(max(self.clock(), at))
            self._next = at + self.interval


@dataclass
class Outgoing:
    """One delivery to one person. `render(delivery_id)` builds the message once the claim is ours
    (the snooze buttons carry the delivery id)."""

    key: str
    user_id: int
    kind: str
    unit_id: str | None
    lead_id: int | None
    milestone_id: int | None
    due: dt.date | None
    routes: Sequence[Route]
    render: Callable[[int], Reply]
    # Ledger rows recorded as `sent` together with this message: the items a grouped reminder carried
    # (issue 11: one message per person per day), so that they are not reminded again.
    records: Sequence[Record] = ()


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # no longer due when its turn came, or every identity unreachable
    unreachable: int = 0  # identities found blocked during this run
    claimed: int = 0
    reclaimed: int = 0  # failed retries and stale claims taken over
    held_elsewhere: int = 0  # claimed by another process (or already handled)
    lost_claims: int = 0  # our claim was taken over before we could mark it (lease too short?)
    sent_keys: list[str] = field(default_factory=list)


Recheck = Callable[[Sequence[Outgoing]], Awaitable[set[str]]]


class DeliveryEngine:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        policy: DeliveryPolicy,
        *,
        wall: Callable[[], dt.datetime] = utc_now,
        worker: str | None = None,
        mark_interval: float = 0.2,
    ) -> None:
        self.uow = uow
        self.policy = policy
        self.wall = wall
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.mark_interval = mark_interval
        self._tokens = itertools.count(1)
        self._buckets: dict[str, TokenBucket] = {}
        self._write = asyncio.Lock()  # one writer per process: SQLite has a single write lock anyway
        # Keys known to be settled for good (sent, skipped, given up). Settled is final whichever process
        # settled it, so remembering it is safe; it spares the per-minute tick a lookup of every key
        # still due today. Forgotten when the day changes, which also bounds its size.
        self._settled: set[str] = set()
        self._settled_day: dt.date | None = None

    def bucket(self, channel: str) -> TokenBucket:
        if channel not in self._buckets:
            self._buckets[channel] = TokenBucket(self.policy.rate_per_second)
        return self._buckets[channel]

    # -- the ledger ---------------------------------------------------------------------------------
    def new_day(self, day: dt.date) -> None:
        if day != self._settled_day:
            self._settled.clear()
            self._settled_day = day

    def is_settled(self, key: str) -> bool:
        return key in self._settled

    def settled(self, row: LedgerRow) -> bool:
        """Final: sent, skipped, or given up (no retry planned, or the attempts are used up)."""
        if row.state in ("sent", "skipped") or row.attempts >= self.policy.max_attempts:
            return True
        return row.state == "failed" and row.next_attempt_at is None

    def retryable(self, row: LedgerRow, now: dt.datetime, cutoff: dt.datetime) -> bool:
        if row.attempts >= self.policy.max_attempts:
            return False
        if row.state == "failed":
            return row.next_attempt_at is not None and aware(row.next_attempt_at) <= now
        if row.state == "claimed":
            return row.claimed_at is not None and aware(row.claimed_at) < cutoff
        return False

    async def unsettled(self, keys: Sequence[str]) -> dict[str, LedgerRow | None]:
        """Each key that is not settled for good → its ledger row (None: never claimed)."""
        unknown = [k for k in keys if k not in self._settled]
        if not unknown:
            return {}
        async with self.uow() as uow:
            rows = await uow.reminders.ledger(unknown)
        result: dict[str, LedgerRow | None] = {}
        for key in unknown:
            row = rows.get(key)
            if row is not None and self.settled(row):
                self._settled.add(key)
            else:
                result[key] = row
        return result

    async def sendable(self, keys: Sequence[str]) -> set[str]:
        """The keys a tick would claim now: never claimed, a retry whose time has come, or a stale claim."""
        rows = await self.unsettled(keys)
        now = self.wall()
        cutoff = now - dt.timedelta(seconds=self.policy.lease_seconds)
        return {k for k, row in rows.items() if row is None or self.retryable(row, now, cutoff)}

    async def settle_quietly(self, rows: Sequence[Record], reason: SettleNote) -> None:
        """Record deliveries that need no message (an empty digest) as `skipped`, once."""
        token = f"{self.worker}:{next(self._tokens)}"
        async with self._write, self.uow() as uow:
            await uow.reminders.claim_new(list(rows), token, self.wall(), state="skipped", error=reason)
            await uow.commit()
        self._settled.update(row["key"] for row in rows)

    # -- delivering ---------------------------------------------------------------------------------
    async def deliver(
        self, outgoing: Sequence[Outgoing], senders: Mapping[str, Sender], recheck: Recheck | None = None,
        known: Mapping[str, LedgerRow | None] | None = None,
    ) -> DeliveryReport:
        """Claim and send what nobody has handled yet; return what happened. `known`: the caller's fresh
        `unsettled()` answer for these keys, so the ledger is not read twice."""
        report = DeliveryReport()
        if not outgoing:
            return report
        rows = dict(known) if known is not None else await self.unsettled([o.key for o in outgoing])
        now = self.wall()
        cutoff = now - dt.timedelta(seconds=self.policy.lease_seconds)
        work: list[tuple[Outgoing, LedgerRow | None]] = []
        for o in outgoing:
            row = rows.get(o.key)
            if o.key in rows and (row is None or self.retryable(row, now, cutoff)):
                work.append((o, row))
            else:
                report.held_elsewhere += 1
        if not work:
            return report
        semaphore = asyncio.Semaphore(max(1, self.policy.concurrency))
        marks = _SentMarks(self, report)
        tasks: list[asyncio.Task[None]] = []
        try:
            for start in range(0, len(work), max(1, self.policy.claim_batch)):
                batch = work[start : start + self.policy.claim_batch]
                claimed = await self._claim(batch, report)
                if recheck and claimed:
                    async with semaphore:  # look at the data again only once a send slot is free
                        pass
                    gone = await recheck([o for o, _, _ in claimed])
                    for _o, claim, token in [c for c in claimed if c[0].key in gone]:
                        await self._finish(claim, token, report, state="skipped", error=SettleNote.NO_LONGER_DUE)
                        report.skipped += 1
                    claimed = [c for c in claimed if c[0].key not in gone]
                for o, claim, token in claimed:
                    await semaphore.acquire()
                    task = asyncio.create_task(self._send(o, claim, token, senders, report, marks))
                    task.add_done_callback(lambda _t: semaphore.release())
                    tasks.append(task)
        finally:
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            await marks.close()
        return report

    async def _claim(
        self, batch: Sequence[tuple[Outgoing, LedgerRow | None]], report: DeliveryReport
    ) -> list[tuple[Outgoing, Claimed, str]]:
        """One committed transaction per batch: the claims exist in the database before any send."""
        token = f"{self.worker}:{next(self._tokens)}"
        now = self.wall()
        cutoff = now - dt.timedelta(seconds=self.policy.lease_seconds)
        by_key = {o.key: o for o, _ in batch}
        claimed: list[tuple[Outgoing, Claimed, str]] = []
        async with self._write, self.uow() as uow:
            repo = uow.reminders
            new_rows = [
                {"key": o.key, "kind": o.kind, "unit_id": o.unit_id, "user_id": o.user_id, "lead_id": o.lead_id,
                 "milestone_id": o.milestone_id, "due": o.due}
                for o, row in batch if row is None
            ]
            for claim in await repo.claim_new(new_rows, token, now):
                claimed.append((by_key[claim.key], claim, token))
                report.claimed += 1
            for o, row in batch:
                if row is None:
                    continue
                taken = await repo.reclaim(row, token, now, cutoff)
                if taken is not None:
                    claimed.append((o, taken, token))
                    report.reclaimed += 1
                    REMINDERS.labels("retried").inc()
                    log.info("reminder %s: retry %d (was %s)", o.key, taken.attempts, row.state)
            await uow.commit()  # the claims exist in the database before any send
        report.held_elsewhere += len(batch) - len(claimed)
        return claimed

    async def _send(
        self, o: Outgoing, claim: Claimed, token: str, senders: Mapping[str, Sender], report: DeliveryReport,
        marks: _SentMarks,
    ) -> None:
        try:
            reply = o.render(claim.id)
            for route in o.routes:
                sender = senders.get(route.channel)
                if sender is None:
                    continue
                await self.bucket(route.channel).acquire()
                try:
                    await sender.send(route.chat_id, reply)
                except Unreachable:
                    report.unreachable += 1
                    async with self._write, self.uow() as uow:
                        await uow.reminders.mark_unreachable(route.identity_id)
                        await uow.commit()
                    continue
                except RetryLater as exc:
                    RATE_LIMITED.labels(route.channel).inc()
                    await self._failed(claim, token, report, f"retry after {exc.seconds}s", exc.seconds)
                    return
                except Exception as exc:
                    log.warning("reminder %s to user %s failed: %s", o.key, o.user_id, exc)
                    await self._failed(claim, token, report, f"{type(exc).__name__}: {exc}"[:500], None)
                    return
                await marks.add(claim, token, o.records)
                return
            await self._finish(claim, token, report, state="skipped", error=SettleNote.UNREACHABLE)
            report.skipped += 1
        except asyncio.CancelledError:
            raise
        except Exception:  # a rendering bug must not leave the claim hanging until the lease expires
            log.exception("reminder %s: unexpected error", o.key)
            with contextlib.suppress(Exception):
                await self._failed(claim, token, report, SettleNote.RENDER_FAILED, None)

    async def _failed(
        self, claim: Claimed, token: str, report: DeliveryReport, error: str, retry_after: float | None
    ) -> None:
        report.failed += 1
        REMINDERS.labels("failed").inc()
        if claim.attempts >= self.policy.max_attempts:
            await self._finish(claim, token, report, state="failed", error=error)
            return
        wait = retry_after if retry_after is not None else self.policy.backoff(claim.attempts)
        retry_at = self.wall() + dt.timedelta(seconds=max(wait, 0.0))
        await self._finish(claim, token, report, state="failed", error=error, next_attempt_at=retry_at)

    async def _finish(self, claim: Claimed, token: str, report: DeliveryReport, **values: Any) -> bool:
        async with self._write, self.uow() as uow:
            ok = await uow.reminders.finish(claim.id, token, now=self.wall(), **values)
            await uow.commit()
        if not ok:
            report.lost_claims += 1
            log.warning("reminder %s: claim was taken over before it could be marked %s", claim.key, values["state"])
        elif values["state"] != "failed" or values.get("next_attempt_at") is None:
            self._settled.add(claim.key)
        return ok


class _SentMarks:
    """Marks accepted messages `sent` in small groups — one UPDATE per claim token every
    `mark_interval` seconds or `claim_batch` messages — instead of one transaction per message.

    The price is that a crash can leave up to one group sent-but-unmarked (re-sent after the lease);
    at the paced rate that is a handful of messages, and it spares a commit (an fsync) per message.
    """

    def __init__(self, engine: DeliveryEngine, report: DeliveryReport) -> None:
        self.engine = engine
        self.report = report
        self.pending: list[tuple[Claimed, str, Sequence[Record]]] = []
        self.timer: asyncio.Task[None] | None = None  # set only while it sleeps, so cancelling never cuts a flush
        self.lock = asyncio.Lock()

    async def add(self, claim: Claimed, token: str, records: Sequence[Record] = ()) -> None:
        self.pending.append((claim, token, records))
        if len(self.pending) >= max(1, self.engine.policy.claim_batch):
            await self.flush()
        elif self.timer is None:
            self.timer = asyncio.create_task(self._later())

    async def _later(self) -> None:
        try:
            await asyncio.sleep(self.engine.mark_interval)
        except asyncio.CancelledError:
            return
        self.timer = None
        await self.flush()

    async def flush(self) -> None:
        async with self.lock:
            pending, self.pending = self.pending, []
            by_token: dict[str, list[Claimed]] = {}
            records: dict[int, Sequence[Record]] = {}
            for claim, token, carried in pending:
                by_token.setdefault(token, []).append(claim)
                records[claim.id] = carried
            engine = self.engine
            for token, claims in by_token.items():
                async with engine._write, engine.uow() as uow:
                    repo = uow.reminders
                    now = engine.wall()
                    done = await repo.mark_sent([c.id for c in claims], token, now)
                    carried = [row for c in claims if c.id in done for row in records[c.id]]
                    if carried:  # in the same transaction: a message marked sent has its items recorded
                        await repo.record_sent(carried, token, now)
                    await uow.commit()
                for claim in claims:
                    if claim.id in done:
                        self.report.sent += 1
                        REMINDERS.labels("sent").inc()
                        self.report.sent_keys.append(claim.key)
                        engine._settled.add(claim.key)
                        engine._settled.update(row["key"] for row in records[claim.id])
                    else:
                        self.report.lost_claims += 1
                        log.warning("reminder %s: claim was taken over before it could be marked sent", claim.key)

    async def close(self) -> None:
        timer, self.timer = self.timer, None
        if timer is not None:
            timer.cancel()
        await self.flush()  # waits for a flush the timer may have started
