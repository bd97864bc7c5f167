"""What a tick reports, and the composer it is handed: shared by the service and the simulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.clock import Clock
from domain.messages import Reply, Sender
from domain.reminders.grouping import PersonMessage
from domain.reminders.policy import ReminderPolicy
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.reminders.delivery import DeliveryReport
from storage.uow import UnitOfWorkFactory


class Composer(Protocol):
    """Turns one person's grouped message into chat text and buttons (presentation code, injected).
    `delivery_id` is the ledger row of the message (the snooze buttons carry it); None for a preview."""

    def __call__(self, message: PersonMessage, delivery_id: int | None) -> Reply: ...


@dataclass
class TickReport:
    at: dt.datetime
    window_open: bool
    items: int = 0
    deliveries: int = 0
    unreachable: int = 0  # (reminder, person) pairs skipped: no reachable channel among running senders
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    seconds: float = 0.0
    messages: dict[str, PersonMessage] = field(default_factory=dict)  # by message key: what was handed over


class Ticking(Protocol):
    """What the simulator needs of the reminder service: its parts, a tick, and a twin on another database."""

    units: UnitDirectory
    workdays: WorkingCalendar
    policy: ReminderPolicy
    tz: ZoneInfo
    compose: Composer

    async def tick(self, senders: Mapping[str, Sender], now: dt.datetime | None = None) -> TickReport: ...

    def twin(self, uow: UnitOfWorkFactory, clock: Clock, policy: ReminderPolicy, compose: Composer) -> Ticking: ...
