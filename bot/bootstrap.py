"""Application wiring: the one place that builds the engine, the configuration and the services.

`build_app` constructs every service once, in dependency order, over one `UnitOfWorkFactory`, and
returns an `App`: the typed services container of `services/container.py` (what the conversation core,
handlers and the scheduler's runner see) plus the settings, engine and session factory that only the
entry points (CLI, channels, tests) touch. Nothing else constructs a service.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

import handlers
from bot.settings import Settings
from domain.clock import Clock
from domain.reminders.policy import ReminderPolicy
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from presentation.evidence_annex import write_annex
from presentation.people import virtual_web_user
from presentation.reminders import compose_message, item_label
from presentation.report_words import REPORT_WORDS
from presentation.status import milestone_completed_note
from services import container
from services.account_service import AccountService
from services.broadcast_service import BroadcastService
from services.container import AppConfig, Senders
from services.dashboard_service import DashboardService
from services.evidence_service import EvidenceService
from services.export_service import ExportService
from services.inbox import Inbox
from services.pacing import LocalBudget, Pacer, SharedBudget
from services.people_service import PeopleService
from services.plan_service import PlanService
from services.projection_service import ProjectionService
from services.query_service import QueryService
from services.reachability import ReachabilityService
from services.reminders import ReminderService
from services.report_service import ReportService
from services.review_service import ReviewService
from services.status_service import StatusService
from services.target_service import TargetService
from services.user_service import UserService
from services.web_auth import WebAuthService
from storage import in_use
from storage.db import create_engine, session_factory, upgrade
from storage.in_use import Hold
from storage.leader import SchedulerLease
from storage.sandbox import throwaway_uow
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass(kw_only=True)
class App(container.App):
    """The running application as the entry points (CLI, channels, scheduler start-up, tests) hold it:
    the services' container (`services.container.App`, all that the layers below may see) plus the
    settings, the engine and its session factory."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker
    in_use: Hold | None = None  # SQLite: a restore is refused while this app is open

    async def close(self) -> None:
        await self.scheduler_lease.release()
        await self.engine.dispose()
        if self.in_use is not None:
            self.in_use.release()


def load_config(settings: Settings) -> tuple[UnitDirectory, ReportingCalendar, WorkingCalendar]:
    return (
        UnitDirectory.load(settings.units_file),
        ReportingCalendar.load(settings.reporting_calendar_file),
        WorkingCalendar.load(settings.calendar_overrides_file),
    )


def app_config(settings: Settings) -> AppConfig:
    username = (settings.telegram_bot_username or "").lstrip("@") or None
    return AppConfig(
        tz=settings.tz, data_dir=settings.cchc_data_dir, seed_plan_file=settings.seed_plan_file,
        telegram_bot_username=username, web_base_url=settings.web_base_url,
    )


async def build_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> App:
    """The app over `settings`' database, held as in use until `App.close` (storage/in_use.py): from before
    the migrations, so that neither they nor the app run while a restore replaces the database."""
    held = await in_use.hold(settings.db_url)
    try:
        app = await _compose(settings, clock=clock, migrate=migrate)
    except BaseException:
        if held is not None:
            held.release()
        raise
    app.in_use = held
    return app


async def _compose(settings: Settings, *, clock: Clock | None, migrate: bool) -> App:
    """Build every service once, in dependency order; the only place that constructs services."""
    handlers.load_all()
    units, reporting, workdays = load_config(settings)
    policy = ReminderPolicy.load(settings.reminder_policy_file)  # a broken file fails here, before any I/O
    engine = create_engine(settings.db_url)
    if migrate:
        await upgrade(engine)
    sessions = session_factory(engine)
    clock = clock or Clock(settings.tz, settings.cchc_today)
    uow = UnitOfWorkFactory(sessions, clock.today)
    senders: Senders = {}
    plans = PlanService(uow, units, reporting, workdays)
    reminders = ReminderService(
        uow, units, reporting, workdays, clock, policy,
        compose=partial(compose_message, units=units, workdays=workdays, max_items=policy.digest.max_items,
                        max_overdue=policy.digest.max_overdue),
        labels=item_label, sandbox=partial(throwaway_uow, settings.db_url),
    )
    broadcasts = BroadcastService(uow, units, reminders, senders)
    statuses = StatusService(uow, plans, milestone_note=milestone_completed_note)
    targets = TargetService(uow, clock.tz)
    projections = ProjectionService(uow, plans, clock.tz)
    queries = QueryService(uow, units, plans, projections)
    return App(
        settings=settings, engine=engine, sessions=sessions, config=app_config(settings), units=units,
        reporting=reporting, workdays=workdays, clock=clock, plans=plans, senders=senders,
        users=UserService(uow, units, settings.invite_ttl_days),
        people=PeopleService(uow, units),
        queries=queries,
        projections=projections,
        statuses=statuses,
        inbox=Inbox(uow),
        reminders=reminders,
        review=ReviewService(
            uow, units, settings.evidence_path, statuses=statuses, broadcasts=broadcasts, reminders=reminders,
            workdays=workdays, clock=clock,
        ),
        evidence=EvidenceService(uow, settings.evidence_path, settings.evidence_max_bytes),
        exports=ExportService(uow, units, clock.tz, write_workbook, workdays, projections),
        accounts=AccountService(uow),
        broadcasts=broadcasts,
        reachability=ReachabilityService(uow),
        targets=targets,
        reports=ReportService(uow, units, reporting, targets, clock.tz, settings.report_template_file, workdays,
                              projections, words=REPORT_WORDS, render=render_report, write_annex=write_annex),
        dashboard=DashboardService(queries, plans, units),
        web_auth=WebAuthService(
            uow, units, base_url=settings.web_public_url,
            idle=dt.timedelta(minutes=settings.web_session_idle_minutes), bot_token=settings.telegram_bot_token,
            virtual_name=virtual_web_user,
        ),
        pacer=Pacer(_bot_budget(settings, engine, uow)),
        zalo_pacer=Pacer(_zalo_budget(settings, engine, uow)),
        scheduler_lease=SchedulerLease(engine),
    )


def _bot_budget(settings: Settings, engine: AsyncEngine, uow: UnitOfWorkFactory) -> LocalBudget | SharedBudget:
    """One process (SQLite is documented single-process): in memory. PostgreSQL: in the database, so
    that every process of the same bot draws from one budget."""
    rate = settings.telegram_rate_per_second
    if engine.dialect.name == "postgresql":
        bot_id = (settings.telegram_bot_token or "").split(":", 1)[0] or "telegram"
        return SharedBudget(uow, f"telegram:{bot_id}", rate)
    return LocalBudget(rate)


def _zalo_budget(settings: Settings, engine: AsyncEngine, uow: UnitOfWorkFactory) -> LocalBudget | SharedBudget:
    """The Zalo bot's own budget (its limits are not Telegram's), kept like Telegram's."""
    rate = settings.zalo_rate_per_second
    if engine.dialect.name == "postgresql":
        bot_id = (settings.zalo_bot_token or "").split(":", 1)[0] or "zalo"
        return SharedBudget(uow, f"zalo:{bot_id}", rate)
    return LocalBudget(rate)


@asynccontextmanager
async def running_app(settings: Settings, **kwargs):
    app = await build_app(settings, **kwargs)
    try:
        yield app
    finally:
        await app.close()


def write_workbook(data, path, units, period=None):
    """The export's writer, imported on first use: openpyxl (and the numpy it loads) cost every bot
    process ~0.25 s and ~15 MB at start, and most processes never write a workbook."""
    from presentation.export_workbook import write_workbook as write

    return write(data, path, units, period)


def render_report(draft, template, out):
    """The report's Word renderer, imported on first use: docxtpl, python-docx, jinja2 and lxml are not
    loaded by a process that never drafts a report."""
    from presentation.report_document import render

    return render(draft, template, out)
