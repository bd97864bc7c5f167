"""Reminders as use cases: what is due now (dry run), one scheduler tick, and each person's settings.

A tick reads the data (candidates in a date window, people, the delivery ledger), lets the pure planner
(`domain.reminders`) decide what is due, and hands the deliveries to the engine
(`services.delivery`), which claims each key in the database before sending. Between ticks a
process remembers only which keys are settled for good (a cache of final states); everything else is
read again, so any number of processes may tick at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker

from domain.clock import Clock
from domain.messages import Reply, Sender
from domain.reminder_policy import ReminderPolicy
from domain.reminders import (
    DIGEST,
    KINDS,
    OVERVIEW,
    DueItem,
    Planner,
    Recipient,
    WeekSummary,
    aware,
    digest_key,
    overview_key,
    person_key,
)
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from presentation.reminders import (
    SNOOZE_CHOICES,
    SettingsView,
    digest_reply,
    overview_reply,
    reminder_reply,
    week_label,
)
from services.delivery import DeliveryEngine, DeliveryReport, Outgoing, utc_now
from storage.repositories.reminders import Channel, ReminderRepository

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

OVERVIEW_TASKS = 8  # task numbers shown per unit in the coordinators' overview
MAX_DAYS_BEFORE = 20  # «nhắc trước N ngày»: a month of working days is the most that still helps
KIND_ORDER = {kind: i for i, kind in enumerate((*KINDS, OVERVIEW))}


class SettingsError(ValueError):
    """A settings request the service refuses; the message is for the user."""


@dataclass
class Planned:
    """What one look at the data found: the items due, how to reach each person, and the empty
    digests to settle without a message."""

    items: list[DueItem] = field(default_factory=list)
    routes: dict[int, list[Channel]] = field(default_factory=dict)
    quiet: list[dict] = field(default_factory=list)


@dataclass
class TickReport:
    at: dt.datetime
    window_open: bool
    items: int = 0
    deliveries: int = 0
    unreachable: int = 0  # (reminder, person) pairs skipped: no reachable channel among running senders
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    seconds: float = 0.0


class ReminderService:
    def __init__(
        self,
        sessions: async_sessionmaker,
        units: UnitDirectory,
        reporting: ReportingCalendar,
        workdays: WorkingCalendar,
        clock: Clock,
        policy: ReminderPolicy,
        *,
        wall: Callable[[], dt.datetime] = utc_now,
        worker: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.units = units
        self.workdays = workdays
        self.clock = clock
        self.policy = policy
        self.tz: ZoneInfo = ZoneInfo(reporting.timezone) if reporting.timezone else clock.tz
        self.planner = Planner(policy, workdays, self.tz, reporting.remind_before_days)
        self.engine = DeliveryEngine(sessions, policy.delivery, wall=wall, worker=worker)


    # -- what is due ----------------------------------------------------------------------------------
    async def due(self, at: dt.datetime) -> list[DueItem]:
        """Dry run (CONTRACTS §4): unit-level reminders due at `at` and not sent before; sends and
        writes nothing. A unit nobody would reach is listed with no recipients."""
        items = (await self._plan(at, channels=None, dry_run=True)).items
        sendable = await self.engine.sendable([item.delivery_key(uid) for item in items for uid in item.recipients])
        listed = []
        for item in items:
            pending = [uid for uid in item.recipients if item.delivery_key(uid) in sendable]
            if pending or not item.recipients:
                item.recipients = pending
                listed.append(item)
        return await self._fill(listed)

    async def tick(self, senders: Mapping[str, Sender], now: dt.datetime | None = None) -> TickReport:
        """One pass: compute what is due now and deliver it (claim → send → mark)."""
        started = time.perf_counter()
        now = now or self.clock.now()
        report = TickReport(at=now, window_open=self.planner.window_open(now))
        if not report.window_open or not senders:
            report.seconds = time.perf_counter() - started
            return report
        planned = await self._plan(now, channels=list(senders), dry_run=False)
        if planned.quiet:  # empty digests: settle them so the week's later ticks do not look again
            await self.engine.settle_quietly(planned.quiet, "không có gì để báo trong tuần")
        settled = self.engine.is_settled
        keys = [k for item in planned.items for uid in item.recipients if not settled(k := item.delivery_key(uid))]
        rows = await self.engine.unsettled(keys)  # once a day's reminders are out: nothing left to look up
        live = [i for i in planned.items if any(i.delivery_key(uid) in rows for uid in i.recipients)]
        today = self.planner.local(now).date()
        outgoing = [
            Outgoing(
                key=item.delivery_key(uid), user_id=uid, kind=item.kind, unit_id=item.unit_id,
                lead_id=item.candidate.lead_id if item.candidate else None,
                milestone_id=item.candidate.milestone_id if item.candidate else None,
                due=item.due, routes=planned.routes.get(uid, []), render=self._renderer(item, today),
            )
            for item in await self._fill(live)
            for uid in item.recipients
            if item.delivery_key(uid) in rows
        ]
        report.items, report.deliveries = len(planned.items), len(outgoing)
        report.unreachable = sum(len(item.unreachable) for item in planned.items)
        if report.unreachable:
            log.info("reminders: %d skipped, recipient has no reachable channel", report.unreachable)
        report.delivery = await self.engine.deliver(outgoing, senders, recheck=self._still_open, known=rows)
        report.seconds = time.perf_counter() - started
        return report

    async def _fill(self, items: list[DueItem]) -> list[DueItem]:
        """Read what the messages will say (task, title, label, status) for the few items about to be
        listed or sent, in a stable order; an item whose share was done or re-dated meanwhile is dropped."""
        pairs = [(i.candidate.lead_id, i.candidate.milestone_id) for i in items if i.candidate]
        details = {}
        if pairs:
            async with self.sessions() as session:
                details = await ReminderRepository(session).details(pairs)
        kept = []
        for item in items:
            if item.candidate is not None:
                full = details.get((item.candidate.lead_id, item.candidate.milestone_id))
                if full is None or full.status == "done" or full.due != item.due:
                    continue
                item.candidate, item.task_number, item.label = full, full.task_number, full.label
            kept.append(item)
        kept.sort(key=lambda i: (KIND_ORDER[i.kind], i.unit_id or "", i.task_number or 0, i.key))
        return kept

    async def _plan(self, now: dt.datetime, *, channels: Sequence[str] | None, dry_run: bool) -> Planned:
        planned = Planned()
        if not self.planner.window_open(now):
            return planned
        today = self.planner.local(now).date()
        self.engine.new_day(today)
        async with self.sessions() as session:
            repo = ReminderRepository(session)
            recipients, routes = await repo.recipients(channels)
            extra = {r.days_before for r in recipients if r.days_before}
            lo, hi = self.planner.candidate_window(today, extra)
            candidates = await repo.candidates(lo, hi)
            planned.items = self.planner.plan(now, candidates, recipients)
            planned.routes = routes
            week = self.planner.digest_due(now)
            if week is not None:
                await self._weekly(repo, now, week, recipients, dry_run, planned)
        return planned

    async def _weekly(
        self, repo: ReminderRepository, now: dt.datetime, week: dt.date, recipients: list[Recipient],
        dry_run: bool, planned: Planned,
    ) -> None:
        """This week's digests (unit heads) and overview (coordinators). Content is read only while some
        digest is still pending; an empty one is settled without a message, so the week's later ticks
        cost one ledger lookup."""
        policy = self.policy.digest
        today = self.planner.local(now).date()
        awake = [r for r in recipients if not r.paused(now)]
        heads: dict[str, list[Recipient]] = defaultdict(list)
        for r in awake:
            if r.wants_digest(self.policy):
                heads[r.unit_id].append(r)
        coordinators = [r for r in awake if r.wants_overview(self.policy)]
        overview = overview_key(week)
        keys = [person_key(digest_key(u, week), r.user_id) for u, rs in heads.items() for r in rs]
        keys += [person_key(overview, r.user_id) for r in coordinators]
        pending = await self.engine.unsettled(keys)

        def quiet(key: str, unit_id: str | None, people: list[Recipient]) -> None:
            planned.quiet.extend(
                {"key": person_key(key, r.user_id), "kind": DIGEST, "unit_id": unit_id, "user_id": r.user_id,
                 "due": week}
                for r in people if person_key(key, r.user_id) in pending
            )

        units = {u for u, rs in heads.items() if any(person_key(digest_key(u, week), r.user_id) in pending for r in rs)}
        if dry_run:
            units |= set(await repo.units_with_leads()) - set(heads)
        report_until = today + dt.timedelta(days=policy.upcoming_report_days)
        limit = 0 if dry_run else policy.max_items  # a dry run needs to know what is empty, not the lines
        summaries: dict[str, WeekSummary] = {}
        if units:
            # Many units: one pass over everything beats a long IN list (and the dry run wants them all).
            scope = None if dry_run or len(units) > 200 else sorted(units)
            summaries = await repo.week_summaries(week, report_until, scope, limit=limit)
        for unit_id in sorted(units):
            summary = summaries.get(unit_id) or WeekSummary(week)
            people = heads.get(unit_id, [])
            if summary.empty and policy.skip_empty:
                quiet(digest_key(unit_id, week), unit_id, people)
                continue
            planned.items.append(
                DueItem(
                    key=digest_key(unit_id, week), kind=DIGEST, unit_id=unit_id, offset=None, due=week,
                    label=f"Tổng hợp tuần {week_label(week)}", content=summary,
                    recipients=[r.user_id for r in people if r.channels],
                    unreachable=[r.user_id for r in people if not r.channels],
                )
            )
        if any(person_key(overview, r.user_id) in pending for r in coordinators) or (dry_run and not coordinators):
            by_unit = await repo.week_summaries(week, week, None, limit=0 if dry_run else OVERVIEW_TASKS)
            if not by_unit and policy.skip_empty:
                quiet(overview, None, coordinators)
                return
            planned.items.append(
                DueItem(
                    key=overview, kind=OVERVIEW, unit_id=None, offset=None, due=week,
                    label=f"Tổng quan tuần {week_label(week)}", content=by_unit,
                    recipients=[r.user_id for r in coordinators if r.channels],
                    unreachable=[r.user_id for r in coordinators if not r.channels],
                )
            )

    def _renderer(self, item: DueItem, today: dt.date) -> Callable[[int], Reply]:
        content = item.content
        if item.kind == DIGEST:
            assert isinstance(content, WeekSummary)
            name = self.units.name(item.unit_id or "")
            return lambda _id: digest_reply(name, content, today, self.workdays)
        if item.kind == OVERVIEW:
            assert isinstance(content, dict)
            week, max_units = item.due, self.policy.digest.max_items
            return lambda _id: overview_reply(week, content, self.units, max_units)
        return lambda delivery_id: reminder_reply(item, today, self.workdays, self.units, delivery_id)

    async def _still_open(self, batch: Sequence[Outgoing]) -> set[str]:
        """Keys whose share was marked done after the tick read it (a broadcast takes a while)."""
        leads = {o.lead_id for o in batch if o.lead_id is not None}
        async with self.sessions() as session:
            done = await ReminderRepository(session).done_leads(sorted(leads))
        return {o.key for o in batch if o.lead_id in done}

    # -- settings -------------------------------------------------------------------------------------
    async def settings(self, user_id: int) -> SettingsView:
        async with self.sessions() as session:
            user = await ReminderRepository(session).user(user_id)
            if user is None:
                raise SettingsError("không tìm thấy người dùng")
            return self._view(user)

    async def set_enabled(self, user_id: int, enabled: bool) -> SettingsView:
        """«tắt nhắc nhở» / «bật lại». Turning on also ends a snooze: the person wants reminders now."""
        return await self._update(user_id, reminders_enabled=enabled, **({"snoozed_until": None} if enabled else {}))

    async def set_days_before(self, user_id: int, days: int) -> SettingsView:
        """«nhắc trước N ngày»: the first reminder N working days before; asking for it turns reminders on."""
        if not 0 <= days <= MAX_DAYS_BEFORE:
            raise SettingsError(f"Số ngày nhắc trước phải từ 0 đến {MAX_DAYS_BEFORE} ngày làm việc.")
        return await self._update(user_id, remind_days_before=days, reminders_enabled=True)

    async def resume(self, user_id: int) -> SettingsView:
        return await self._update(user_id, snoozed_until=None)

    async def snooze(self, user_id: int, delivery_id: int, choice: str, now: dt.datetime) -> dt.datetime:
        """A snooze button on a reminder: pause this person's reminders until a working morning."""
        if choice not in SNOOZE_CHOICES:
            raise SettingsError("Lựa chọn tạm hoãn không hợp lệ.")
        async with self.sessions() as session, session.begin():
            repo = ReminderRepository(session)
            delivery = await repo.delivery(delivery_id)
            if delivery is None or delivery.user_id != user_id:
                raise SettingsError("Lời nhắc này không phải của anh/chị, hoặc đã cũ.")
            user = await repo.user(user_id)
            until = self.snooze_until(now, choice)
            user.snoozed_until = until.astimezone(dt.UTC)
        return until

    def snooze_until(self, now: dt.datetime, choice: str) -> dt.datetime:
        """1 ngày → the next working morning; 3 ngày → the third working day's morning; đến thứ Hai →
        next Monday's morning (a holiday Monday simply sends nothing until the window opens)."""
        today = self.planner.local(now).date()
        if choice == "1d":
            day = self.workdays.add_working_days(today, 1)
        elif choice == "3d":
            day = self.workdays.add_working_days(today, 3)
        else:
            day = today + dt.timedelta(days=7 - today.weekday())
        return dt.datetime.combine(day, self.policy.window_start, self.tz)

    async def _update(self, user_id: int, **values) -> SettingsView:
        async with self.sessions() as session, session.begin():
            user = await ReminderRepository(session).user(user_id)
            if user is None:
                raise SettingsError("không tìm thấy người dùng")
            for name, value in values.items():
                setattr(user, name, value)
            return self._view(user)

    def _view(self, user) -> SettingsView:
        person = Recipient(
            user_id=user.id, unit_id=user.unit_id, role=user.role, enabled=user.reminders_enabled,
            days_before=user.remind_days_before, snoozed_until=user.snoozed_until,
        )
        snoozed = aware(user.snoozed_until) if user.snoozed_until else None
        if snoozed is not None and snoozed <= self.clock.now():
            snoozed = None
        enabled = person.wants_items(self.policy) or person.wants_overview(self.policy)
        return SettingsView(
            role=user.role, enabled=enabled, explicit=user.reminders_enabled, days_before=user.remind_days_before,
            offsets=self.policy.offsets_for(user.remind_days_before), snoozed_until=snoozed,
        )


def as_contract(items: Sequence[DueItem]) -> list[dict]:
    """CONTRACTS §4 objects."""
    return [
        {
            "recipient_unit": item.unit_id,
            "recipients": sorted(item.recipients),
            "task": item.task_number,
            "milestone": item.label,
            "due": item.due.isoformat() if item.due else None,
            "kind": item.contract_kind,
            "days_before": item.offset,
            "key": item.key,
        }
        for item in items
    ]
