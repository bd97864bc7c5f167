"""Application wiring: one place that builds the engine, the configuration and the services.

Channels, the CLI and the scheduler receive an `App`; nothing else constructs services.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

import handlers
from bot.settings import Settings
from domain.clock import Clock
from domain.messages import Sender
from domain.reminder_policy import ReminderPolicy
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.account_service import AccountService
from services.evidence_service import EvidenceService
from services.export_service import ExportService
from services.inbox import Inbox
from services.pacing import LocalBudget, Pacer, SharedBudget
from services.plan_service import PlanService
from services.query_service import QueryService
from services.reminder_service import ReminderService
from services.review_service import ReviewService
from services.status_service import StatusService
from services.user_service import UserService
from storage.db import create_engine, session_factory, upgrade
from storage.leader import SchedulerLease
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker
    units: UnitDirectory
    reporting: ReportingCalendar
    workdays: WorkingCalendar
    clock: Clock
    plans: PlanService
    users: UserService
    queries: QueryService
    statuses: StatusService
    inbox: Inbox
    reminders: ReminderService
    review: ReviewService
    evidence: EvidenceService
    exports: ExportService
    accounts: AccountService
    pacer: Pacer  # Telegram sends: per chat, and per bot (shared through PostgreSQL by every process)
    scheduler_lease: SchedulerLease  # which process runs the reminder tick (PostgreSQL advisory lock)
    # Outbound side of each running channel, by channel name ("telegram", "zalo", "console").
    senders: dict[str, Sender] = field(default_factory=dict)

    async def close(self) -> None:
        await self.scheduler_lease.release()
        await self.engine.dispose()


def load_config(settings: Settings) -> tuple[UnitDirectory, ReportingCalendar, WorkingCalendar]:
    return (
        UnitDirectory.load(settings.units_file),
        ReportingCalendar.load(settings.reporting_calendar_file),
        WorkingCalendar.load(settings.calendar_overrides_file),
    )


async def build_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> App:
    handlers.load_all()
    units, reporting, workdays = load_config(settings)
    policy = ReminderPolicy.load(settings.reminder_policy_file)  # a broken file fails here, before any I/O
    engine = create_engine(settings.db_url)
    if migrate:
        await upgrade(engine)
    sessions = session_factory(engine)
    clock = clock or Clock(settings.tz, settings.cchc_today)
    plans = PlanService(sessions, units, reporting, workdays)
    app = App(
        settings=settings, engine=engine, sessions=sessions, units=units, reporting=reporting,
        workdays=workdays, clock=clock, plans=plans,
        users=UserService(sessions, units, settings.invite_ttl_days),
        queries=QueryService(sessions, units, plans),
        statuses=StatusService(sessions, plans),
        inbox=Inbox(UnitOfWorkFactory(sessions)),
        reminders=ReminderService(sessions, units, reporting, workdays, clock, policy),
        review=ReviewService(sessions, units, settings.evidence_path),
        evidence=EvidenceService(sessions, settings.evidence_path, settings.evidence_max_bytes),
        exports=ExportService(sessions, units, clock.tz),
        accounts=AccountService(sessions),
        pacer=Pacer(_bot_budget(settings, engine, UnitOfWorkFactory(sessions))),
        scheduler_lease=SchedulerLease(engine),
    )
    return app


def _bot_budget(settings: Settings, engine: AsyncEngine, uow: UnitOfWorkFactory) -> LocalBudget | SharedBudget:
    """One process (SQLite is documented single-process): in memory. PostgreSQL: in the database, so
    that every process of the same bot draws from one budget."""
    rate = settings.telegram_rate_per_second
    if engine.dialect.name == "postgresql":
        bot_id = (settings.telegram_bot_token or "").split(":", 1)[0] or "telegram"
        return SharedBudget(uow, f"telegram:{bot_id}", rate)
    return LocalBudget(rate)


@asynccontextmanager
async def running_app(settings: Settings, **kwargs):
    app = await build_app(settings, **kwargs)
    try:
        yield app
    finally:
        await app.close()
