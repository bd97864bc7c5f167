"""Helpers for reminder tests: people created directly through the models (no user service), and a
sender that records what it was asked to deliver, stamped with the app's (simulated) clock."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import update

from domain.clock import Clock
from domain.messages import Reply
from storage.models import AssignmentLead, Identity, User


@dataclass
class Sent:
    at: dt.datetime
    chat_id: str
    reply: Reply


@dataclass
class RecordingSender:
    """A channel's outbound side that remembers every message. `fail` maps chat id → exception class
    to raise (Unreachable, RetryLater or any error) for testing the unhappy paths."""

    clock: Clock
    channel: str = "telegram"
    sent: list[Sent] = field(default_factory=list)
    fail: dict[str, Exception] = field(default_factory=dict)
    delivered: asyncio.Event = field(default_factory=asyncio.Event)  # set at the first delivered message

    async def send(self, chat_id: str, reply: Reply) -> None:
        error = self.fail.get(chat_id)
        if error is not None:
            raise error
        self.sent.append(Sent(self.clock.now(), chat_id, reply))
        self.delivered.set()

    def to(self, chat_id: str) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]


async def add_person(
    app, unit_id: str, role: str = "head", *, chat: str | None = None, channel: str = "telegram",
    enabled: bool | None = None, days_before: int | None = None, reachable: bool = True, name: str = "",
) -> int:
    """A registered user with one identity whose chat id is `chat` (default: «<unit>-<role>»)."""
    chat = chat or f"{unit_id}-{role}"
    async with app.sessions() as session, session.begin():
        await _sync_units(app, session)
        user = User(unit_id=unit_id, role=role, display_name=name or chat, reminders_enabled=enabled,
                    remind_days_before=days_before)
        session.add(user)
        await session.flush()
        session.add(Identity(user_id=user.id, channel=channel, external_id=chat, chat_id=chat, reachable=reachable))
        return user.id


async def _sync_units(app, session) -> None:
    from storage.repositories.plans import PlanRepository

    await PlanRepository(session).sync_units(app.units)


async def set_status(app, lead_ids: list[int], status: str) -> None:
    """Write the current status directly (the status service's history is not under test here)."""
    async with app.sessions() as session, session.begin():
        await session.execute(update(AssignmentLead).where(AssignmentLead.id.in_(lead_ids)).values(status=status))


def fast_service(app, *, wall=None, worker: str | None = None, **delivery):
    """The app's reminder service with pacing lifted (tests send thousands of simulated messages)."""
    from dataclasses import replace

    from domain.reminders.policy import ReminderPolicy
    from services.reminders import ReminderService
    from services.reminders.delivery import utc_now

    policy = ReminderPolicy.load(app.settings.reminder_policy_file)
    policy = replace(policy, delivery=replace(policy.delivery, **{"rate_per_second": 1e6, **delivery}))
    service = ReminderService(
        app.reminders.uow, app.units, app.reporting, app.workdays, app.clock, policy, compose=app.reminders.compose,
        labels=app.reminders.labels, sandbox=app.reminders.sandbox, wall=wall or utc_now, worker=worker,
    )
    app.reminders = service
    return service
