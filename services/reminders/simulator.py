"""The simulator (docs/contracts.md §4b): what the scheduler would send over a range of days — the real
planning, grouping and delivery path on a throw-away copy of the database, one tick at each working
morning's window opening, every message recorded with the exact text the person would read and marked
delivered in the copy. Nothing is marked done: the simulation is the worst case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any

from domain.clock import FixedClock
from domain.messages import Reply, Sender
from domain.reminders.digest import WeekSummary
from domain.reminders.grouping import PersonMessage
from domain.reminders.model import DIGEST
from domain.reminders.policy import DigestPolicy
from domain.units import UnitDirectory
from services.reminders.ticks import Ticking
from storage.uow import UnitOfWorkFactory

# A throw-away copy of the database for the simulator: an async context manager yielding its unit-of-work factory.
Sandbox = Callable[[], AbstractAsyncContextManager[UnitOfWorkFactory]]
STAFF_ROLES = {"leadership": "leader", "desk": "officer"}  # by unit kind; any other unit: a head


@dataclass(frozen=True)
class SimulatedMessage:
    """One message the simulator saw go out (docs/contracts.md §4b)."""

    at: dt.datetime
    to_user: int
    to_unit: str
    role: str
    kind: str
    chars: int
    items: tuple[dict[str, Any], ...]
    text: str = ""

    def as_contract(self, *, texts: bool = False) -> dict[str, Any]:
        out = {"at": self.at.isoformat(), "to_user": self.to_user, "to_unit": self.to_unit, "role": self.role,
               "kind": self.kind, "chars": self.chars, "items": list(self.items)}
        if texts:
            out["text"] = self.text
        return out


@dataclass
class _NullSender:
    """The simulator's channel: accepts every message (the composed text is recorded by the simulator)."""

    channel: str

    async def send(self, chat_id: str, reply: Reply) -> None:
        return None


def staffing(units: UnitDirectory, have: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """`--staff-all`: the (unit, role) each member unit lacks — a head (a leader for the leadership, an
    officer for a desk) — and a coordinator for the Văn phòng."""
    wanted = [(u.id, STAFF_ROLES.get(u.kind, "head")) for u in units.member_units]
    if any(u.id == "van-phong" for u in units.member_units):
        wanted.append(("van-phong", "coordinator"))
    return [pair for pair in wanted if pair not in have]


def simulated_items(message: PersonMessage, digest: DigestPolicy) -> list[dict[str, Any]]:
    """§4b items: the message's items, and the milestones a digest lists (kind «digest»)."""
    out: list[dict[str, Any]] = []
    for i in message.items:
        out.append({"task": i.task_number, "milestone": i.label, "due": i.due.isoformat() if i.due else None,
                    "kind": i.contract_kind, "recipient_unit": i.unit_id})
        if i.kind == DIGEST and isinstance(i.content, WeekSummary):
            listed = (*i.content.section("week")[: digest.max_items], *i.content.section("overdue")[: digest.max_overdue],
                      *i.content.section("reports")[: digest.max_items])
            out.extend({"task": c.task_number, "milestone": c.label, "due": c.due.isoformat(), "kind": DIGEST,
                        "recipient_unit": c.unit_id} for c in listed)
    return out


async def simulate(service: Ticking, sandbox: Sandbox, start: dt.date, end: dt.date, *,
                   staff_all: bool = False) -> list[SimulatedMessage]:
    """Tick `service`'s twin on a copy of the database from `start` to `end`; the messages in time order."""
    async with sandbox() as copy:
        async with copy() as uow:
            if staff_all:
                await uow.plans.sync_units(service.units)
                for unit_id, role in staffing(service.units, await uow.reminders.active_roles()):
                    chat = f"sim-{unit_id}-{role}"
                    await uow.reminders.add_reachable_person(unit_id, role, f"({role} {unit_id})", chat)
                await uow.commit()
            channels = await uow.reminders.channel_names()
        policy = service.policy
        clock = FixedClock(dt.datetime.combine(start, policy.window_start, service.tz))
        texts: dict[str, str] = {}

        def compose(message: PersonMessage, delivery_id: int | None) -> Reply:
            reply = service.compose(message, delivery_id)
            texts[message.key] = reply.text
            return reply

        fast = replace(policy, delivery=replace(policy.delivery, rate_per_second=1e9, concurrency=1))
        twin = service.twin(copy, clock, fast, compose)
        senders: dict[str, Sender] = {name: _NullSender(name) for name in {"telegram", "zalo", "console", *channels}}
        out: list[SimulatedMessage] = []
        day = start
        while day <= end:
            if service.workdays.is_working_day(day):
                at = dt.datetime.combine(day, policy.window_start, service.tz)
                clock.set(at)
                report = await twin.tick(senders, at)
                for key in report.delivery.sent_keys:
                    message = report.messages.get(key)
                    if message is None or message.user_id is None:
                        continue
                    text = texts.get(key, "")
                    out.append(SimulatedMessage(
                        at=at, to_user=message.user_id, to_unit=message.unit_id, role=message.role,
                        kind=message.kind, chars=len(text), text=text,
                        items=tuple(simulated_items(message, policy.digest)),
                    ))
            day += dt.timedelta(days=1)
    out.sort(key=lambda m: (m.at, m.to_user))
    return out
