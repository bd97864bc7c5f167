"""The typed container of the application's services: what the conversation core, the handlers and the
scheduler's runner see as `app`.

`bot/bootstrap.py::build_app` is the one place that builds it (every service once, as a typed field);
nothing below the entry points constructs a service or reaches the settings. The entry points hold a
subclass (`bot.bootstrap.App`) that adds what only they touch: the pydantic `Settings`, the database
engine and its session factory.

A new service = a new typed field here, built in `build_app`. Never an untyped bag of services, never a
service looked up or constructed lazily.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from domain.clock import Clock
from domain.messages import Sender, Webhook
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.account_service import AccountService
from services.broadcast_service import BroadcastService
from services.dashboard_service import DashboardService
from services.evidence_service import EvidenceService
from services.export_service import ExportService
from services.inbox import Inbox
from services.pacing import Pacer
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
from storage.leader import SchedulerLease

# The outbound side of each running channel, by channel name ("telegram", "zalo", "console"). One
# dict shared by the App and the services that push: a channel registers its sender when it starts.
Senders = dict[str, Sender]


@dataclass(frozen=True)
class AppConfig:
    """The few configuration values the layers below the entry points need (not the Settings object)."""

    tz: dt.tzinfo
    data_dir: Path  # charts and exports are written under it
    seed_plan_file: Path  # the bundled plan: the NLU's task index before any plan is imported
    telegram_bot_username: str | None = None  # for t.me links in chat answers
    web_base_url: str | None = None  # WEB_BASE_URL: the web view is published there (by this or another process)


@dataclass(kw_only=True)
class App:
    config: AppConfig
    units: UnitDirectory
    reporting: ReportingCalendar
    workdays: WorkingCalendar
    clock: Clock
    plans: PlanService
    users: UserService
    people: PeopleService  # the operator's `cchc-bot users …` (docs/contracts.md §9)
    queries: QueryService
    projections: ProjectionService  # the one truth: every status, lateness and count
    statuses: StatusService
    inbox: Inbox
    reminders: ReminderService
    review: ReviewService
    evidence: EvidenceService
    exports: ExportService
    accounts: AccountService
    broadcasts: BroadcastService
    reachability: ReachabilityService
    targets: TargetService
    reports: ReportService
    dashboard: DashboardService
    web_auth: WebAuthService
    scheduler_lease: SchedulerLease  # which process runs the reminder tick (PostgreSQL advisory lock)
    pacer: Pacer  # Telegram sends: per chat, and per bot (shared through PostgreSQL by every process)
    zalo_pacer: Pacer  # Zalo sends, the same way with the Zalo bot's own budget
    senders: Senders = field(default_factory=dict)
    # True while this process serves the web view (`run` with WEB_PORT, `web serve`): /web then gives a link
    # even without WEB_BASE_URL; otherwise it says the web view is not running and how to start it.
    web_running: bool = False
    # Inbound HTTP endpoints of the channels in webhook mode, served by the web server (by channel name).
    webhooks: dict[str, Webhook] = field(default_factory=dict)
    # Channels that run but cannot receive messages, with the reason (e.g. a refused setWebhook): /healthz.
    channel_errors: dict[str, str] = field(default_factory=dict)
