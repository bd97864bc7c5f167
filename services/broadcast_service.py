"""Pushes that a person did not ask for in this chat: a coordinator's notice to every unit head, and
the notification a head gets when a coordinator reviews the unit's evidence.

Everything goes through ONE path, the reminders' delivery engine (`services.reminders.delivery`), because that
is where sending is paced (a token bucket per channel — python-telegram-bot's AIORateLimiter alone lets
a burst of ~60 messages through and draws HTTP 429s), retried with backoff, and made exactly-once by
claiming an idempotency key in `reminder_deliveries` before sending. A notice pressed twice, or
redelivered by the messenger, therefore reaches each head once, and a broadcast shares the rate budget
with the reminders instead of competing with them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.messages import Reply, Sender
from domain.people import UserView
from domain.reminders.people import audience
from domain.units import UnitDirectory
from services.access import Permission, coordinating
from services.reminders import ReminderService
from services.reminders.delivery import Outgoing
from storage.uow import UnitOfWorkFactory

MAX_NOTICE_CHARS = 1000  # "a short notice": long texts belong in an official document
BROADCAST_KIND = "broadcast"
NOTICE_KIND = "notice"


@dataclass
class PushReport:
    """What became of a push: `no_route` people have no reachable chat on a running channel."""

    recipients: int = 0
    sent: int = 0
    failed: int = 0
    no_route: int = 0
    unreachable: int = 0
    already: int = 0  # this key was delivered (or is being delivered) before

    @property
    def delivered_or_queued(self) -> int:
        return self.sent + self.already


class BroadcastKind(StrEnum):
    """What became of the request (`BroadcastOutcome.kind`)."""

    SENT = "sent"
    FORBIDDEN = "forbidden"
    READ_ONLY = "read_only"
    EMPTY = "empty"
    TOO_LONG = "too_long"


@dataclass
class BroadcastOutcome:
    kind: BroadcastKind
    report: PushReport | None = None
    heads: int = 0


def broadcast_key(source_key: str | None) -> str:
    """The idempotency key of one notice: derived from the coordinator's message when there is one, so
    that the same command delivered twice is one broadcast; otherwise unique."""
    seed = source_key or uuid.uuid4().hex
    return "bc:" + hashlib.sha256(seed.encode()).hexdigest()[:16]


class BroadcastService:
    """Pushes through the reminders' paced, exactly-once delivery engine.

    `senders` is the App's own dict of running channels (the bootstrap passes the same object), so a
    channel that starts later is used by the next push."""

    def __init__(
        self, uow: UnitOfWorkFactory, units: UnitDirectory, reminders: ReminderService, senders: Mapping[str, Sender]
    ) -> None:
        self.uow = uow
        self.units = units
        self.reminders = reminders
        self.senders = senders

    async def push(
        self, user_ids: Sequence[int], key: str, reply: Reply, *, kind: str = NOTICE_KIND
    ) -> PushReport:
        """Send `reply` to each person once (key `<key>:u<user id>`), paced with the reminders.

        Only channels that are running (`senders`) are used; the person's preferred channel first.
        """
        report = PushReport(recipients=len(set(user_ids)))
        if not user_ids:
            return report
        senders = dict(self.senders)
        async with self.uow() as uow:
            reached = audience(await uow.reminders.people(), list(senders))
        routes = reached.routes
        units = {p.user_id: p.unit_id for p in reached.recipients}
        outgoing = []
        for uid in dict.fromkeys(user_ids):
            mine = routes.get(uid) or []
            if not mine:
                report.no_route += 1
                continue
            outgoing.append(
                Outgoing(
                    key=f"{key}:u{uid}", user_id=uid, kind=kind, unit_id=units.get(uid), lead_id=None,
                    milestone_id=None, due=None, routes=mine, render=lambda _delivery_id: reply,
                )
            )
        if not outgoing:
            return report
        delivery = await self.reminders.engine.deliver(outgoing, senders)
        report.sent, report.failed = delivery.sent, delivery.failed
        report.unreachable, report.already = delivery.unreachable, delivery.held_elsewhere
        report.no_route += delivery.skipped  # every chat of that person turned out blocked
        return report

    async def people_with_roles(self, roles: tuple[str, ...]) -> list[int]:
        """Ids of the active people with these roles (who a push to «every head» reaches)."""
        async with self.uow() as uow:
            return [uid for uid, _unit in await uow.review.users_with_roles(roles)]

    async def head_count(self) -> int:
        return len(await self.people_with_roles(("head",)))

    async def broadcast(
        self, user: UserView, text: str, *, source_key: str | None, notice: Callable[[str, UserView, str], Reply]
    ) -> BroadcastOutcome:
        """A coordinator's short notice to every active unit head (all units), through the paced path.
        `notice(text, sender, sender's unit name)` words it (presentation/broadcast.py)."""
        permission = coordinating(user)
        if permission is not Permission.ALLOWED:
            return BroadcastOutcome(BroadcastKind(permission.value))
        text = (text or "").strip()
        if not text:
            return BroadcastOutcome(BroadcastKind.EMPTY)
        if len(text) > MAX_NOTICE_CHARS:
            return BroadcastOutcome(BroadcastKind.TOO_LONG)
        heads = await self.people_with_roles(("head",))
        reply = notice(text, user, self.units.name(user.unit_id))
        report = await self.push(heads, broadcast_key(source_key), reply, kind=BROADCAST_KIND)
        return BroadcastOutcome(BroadcastKind.SENT, report, len(heads))
