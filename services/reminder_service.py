"""Reminders as use cases: what is due now (dry run), one scheduler tick, the simulator, each person's
settings, and which units a scoped share concerns.

A tick reads the data (candidates in a date window, people, the delivery ledger), lets the pure planner
(`domain.reminders`) decide what is due, groups it into ONE message per person per working day, and hands
those messages to the engine (`services.delivery`), which claims each message's key in the database before
sending and records the items it carried once it is sent. Between ticks a process remembers only which keys
are settled for good (a cache of final states); everything else is read again, so any number of processes
may tick at once.

The service produces data (`PersonMessage`: items grouped per person and day); the wording is composed by
the `compose` callable the bootstrap injects (presentation code), so services never import presentation.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from domain.clock import Clock, FixedClock
from domain.messages import Reply, Sender
from domain.plan import YEAR_ROUND
from domain.reminder_policy import ReminderPolicy
from domain.reminders import (
    CHECKIN,
    DIGEST,
    OVERVIEW,
    SNOOZE_CODES,
    TARGETS,
    YEAR_END,
    Candidate,
    DueItem,
    MissingTargets,
    PersonMessage,
    Planner,
    Recipient,
    SettingsView,
    WeekSummary,
    aware,
    checkin_key,
    digest_key,
    group_messages,
    overview_key,
    person_key,
    responsible_units,
    targets_key,
    year_end_key,
)
from domain.reporting import PERIOD_NAMES, ReportingCalendar
from domain.targets import section_targets
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.delivery import DeliveryEngine, DeliveryReport, Outgoing, utc_now
from storage.repositories.reminders import Channel, PersonSettings, ReminderRepository
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

OVERVIEW_TASKS = 8  # task numbers shown per unit in the coordinators' overview
MAX_DAYS_BEFORE = 20  # «nhắc trước N ngày»: a month of working days is the most that still helps


class Composer(Protocol):
    """Turns one person's grouped message into chat text and buttons (presentation code, injected).
    `delivery_id` is the ledger row of the message (the snooze buttons carry it); None for a preview."""

    def __call__(self, message: PersonMessage, delivery_id: int | None) -> Reply: ...


# A throw-away copy of the database for the simulator: an async context manager yielding its unit-of-work factory.
Sandbox = Callable[[], AbstractAsyncContextManager[UnitOfWorkFactory]]


class SettingsError(ValueError):
    """A settings request the service refuses: `reason` (no_user, days_out_of_range, bad_snooze,
    not_your_reminder, no_units, not_scoped, outside_scope) and its details; presentation words it."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass
class Planned:
    """What one look at the data found: the items due, the people, how to reach each person, and the
    empty digests to settle without a message."""

    items: list[DueItem] = field(default_factory=list)
    people: dict[int, Recipient] = field(default_factory=dict)
    routes: dict[int, list[Channel]] = field(default_factory=dict)
    quiet: list[dict[str, Any]] = field(default_factory=list)


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


@dataclass(frozen=True)
class SimulatedMessage:
    """One message the simulator saw go out (docs/contracts.md §4)."""

    at: dt.datetime
    to_user: int
    to_unit: str
    role: str
    kind: str
    chars: int
    items: tuple[dict[str, Any], ...]
    text: str = ""

    def as_contract(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "to_user": self.to_user, "to_unit": self.to_unit, "role": self.role,
                "kind": self.kind, "chars": self.chars, "items": list(self.items)}


@dataclass(frozen=True)
class ScopeAssigned:
    task: int
    scope: str
    units: tuple[str, ...]


class ReminderService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        units: UnitDirectory,
        reporting: ReportingCalendar,
        workdays: WorkingCalendar,
        clock: Clock,
        policy: ReminderPolicy,
        *,
        compose: Composer,
        sandbox: Sandbox | None = None,
        wall: Callable[[], dt.datetime] = utc_now,
        worker: str | None = None,
    ) -> None:
        self.uow = uow
        self.units = units
        self.reporting = reporting
        self.workdays = workdays
        self.clock = clock
        self.policy = policy
        self.compose = compose
        self.sandbox = sandbox
        self.tz: ZoneInfo = ZoneInfo(reporting.timezone) if reporting.timezone else clock.tz
        self.planner = Planner(policy, workdays, self.tz, reporting.remind_before_days, units.delegates())
        self.engine = DeliveryEngine(uow, policy.delivery, wall=wall, worker=worker)

    # -- what is due ----------------------------------------------------------------------------------
    async def due(self, at: dt.datetime) -> list[DueItem]:
        """Dry run (docs/contracts.md §4): unit-level reminders due at `at` and not sent before; sends and
        writes nothing. A unit nobody would reach is listed with no recipients and the reason; each
        item carries the text of the message it goes out in."""
        planned = await self._plan(at, channels=None, dry_run=True)
        items = planned.items
        sendable = await self.engine.sendable([item.delivery_key(uid) for item in items for uid in item.recipients])
        listed = []
        for item in items:
            pending = [uid for uid in item.recipients if item.delivery_key(uid) in sendable]
            if pending or not item.recipients:
                item.recipients = pending
                listed.append(item)
        listed = await self._fill(listed)
        today = self.planner.local(at).date()
        # The texts are composed lazily (`DueItem.message`, on first read): only `reminders due --json` needs them,
        # and then once per message — the first recipient's — not once per item.
        texts: dict[int | str, str] = {}
        grouped: dict[int, PersonMessage] = {}

        def person_text(uid: int) -> str:
            if uid not in texts:
                if not grouped:
                    grouped.update((m.user_id, m) for m in group_messages(listed, today, planned.people) if m.user_id is not None)
                texts[uid] = self.compose(grouped[uid], None).text
            return texts[uid]

        by_unit: dict[str, list[DueItem]] = defaultdict(list)
        for item in listed:
            if not item.recipients:
                by_unit[item.unit_id or "*"].append(item)

        def unit_text(unit_id: str) -> str:  # what the unit would get, were someone there to receive it
            key = f"unit:{unit_id}"
            if key not in texts:
                preview = PersonMessage(key="", user_id=None, unit_id=unit_id if unit_id != "*" else "",
                                        role="", day=today, items=sorted(by_unit[unit_id], key=lambda i: i.urgency))
                texts[key] = self.compose(preview, None).text
            return texts[key]

        for item in listed:
            item.message = None
            if item.recipients:
                item.compose_message = partial(person_text, min(item.recipients))
            else:
                item.compose_message = partial(unit_text, item.unit_id or "*")
        return listed

    async def tick(self, senders: Mapping[str, Sender], now: dt.datetime | None = None) -> TickReport:
        """One pass: compute what is due now, group it per person, and deliver it (claim → send → mark)."""
        started = time.perf_counter()
        now = now or self.clock.now()
        report = TickReport(at=now, window_open=self.planner.window_open(now))
        if not report.window_open or not senders:
            report.seconds = time.perf_counter() - started
            return report
        planned = await self._plan(now, channels=list(senders), dry_run=False)
        if planned.quiet:  # empty digests: settle them so the week's later ticks do not look again
            await self.engine.settle_quietly(planned.quiet, "không có gì để báo trong tuần")
        today = self.planner.local(now).date()
        settled = self.engine.is_settled
        keys = [k for item in planned.items for uid in item.recipients if not settled(k := item.delivery_key(uid))]
        rows = await self.engine.unsettled(keys)  # once a day's reminders are out: nothing left to look up
        live = []
        for item in planned.items:
            pending = [uid for uid in item.recipients if item.delivery_key(uid) in rows]
            if pending:
                live.append(replace(item, recipients=pending))
        report.items = len(planned.items)
        report.unreachable = sum(len(item.unreachable) for item in planned.items)
        if report.unreachable:
            log.info("reminders: %d skipped, recipient has no reachable channel", report.unreachable)
        messages = group_messages(live, today, planned.people)
        message_rows = await self.engine.unsettled([m.key for m in messages])
        messages = [m for m in messages if m.key in message_rows]  # today's message is already out: tomorrow
        if not messages:
            report.seconds = time.perf_counter() - started
            return report
        kept = {id(i) for i in await self._fill(list({id(i): i for m in messages for i in m.items}.values()))}
        outgoing = []
        for message in messages:
            message.items = [i for i in message.items if id(i) in kept]
            if not message.items or message.user_id is None:
                continue
            report.messages[message.key] = message
            outgoing.append(Outgoing(
                key=message.key, user_id=message.user_id, kind=message.kind, unit_id=message.unit_id,
                lead_id=None, milestone_id=None, due=today, routes=planned.routes.get(message.user_id, []),
                render=self._renderer(message), records=self._records(message),
            ))
        report.deliveries = len(outgoing)
        report.delivery = await self.engine.deliver(outgoing, senders, recheck=self._still_open, known=message_rows)
        report.seconds = time.perf_counter() - started
        return report

    def _renderer(self, message: PersonMessage) -> Callable[[int], Reply]:
        return lambda delivery_id: self.compose(message, delivery_id)

    async def _still_open(self, batch: Sequence[Outgoing]) -> set[str]:
        """Messages all of whose shares were marked done after the tick read them (a broadcast takes a
        while): not sent."""
        leads = {r["lead_id"] for o in batch for r in o.records if r["lead_id"] is not None}
        if not leads:
            return set()
        async with self.uow() as uow:
            done = await uow.reminders.done_leads(sorted(leads))
        return {o.key for o in batch
                if o.records and all(r["lead_id"] is not None and r["lead_id"] in done for r in o.records)}

    @staticmethod
    def _records(message: PersonMessage) -> list[dict[str, Any]]:
        """The items a message carried, recorded as delivered to its person once it is sent."""
        uid = message.user_id
        if uid is None:  # a unit-level message reaches nobody: nothing is recorded as delivered
            return []
        return [
            {"key": item.delivery_key(uid), "kind": item.contract_kind, "unit_id": item.unit_id, "user_id": uid,
             "lead_id": item.candidate.lead_id if item.candidate else None,
             "milestone_id": item.candidate.milestone_id if item.candidate else None, "due": item.due}
            for item in message.items
        ]

    async def _fill(self, items: list[DueItem]) -> list[DueItem]:
        """Read what the messages will say (task, title, label, status) for the few items about to be
        listed or sent, in a stable order; an item whose share was done or re-dated meanwhile is dropped."""
        pairs = [(i.candidate.lead_id, i.candidate.milestone_id) for i in items if i.candidate]
        details = {}
        if pairs:
            async with self.uow() as uow:
                details = await uow.reminders.details(pairs)
        kept = []
        for item in items:
            if item.candidate is not None:
                full = details.get((item.candidate.lead_id, item.candidate.milestone_id))
                if full is None or full.status == "done" or full.due != item.candidate.due:
                    continue
                item.candidate = replace(full, cutoff=item.candidate.cutoff, contributors=item.candidate.contributors)
                item.task_number, item.label = full.task_number, full.label
            kept.append(item)
        kept.sort(key=lambda i: (i.urgency, i.unit_id or ""))
        return kept

    def _with_cutoff(self, c: Candidate) -> Candidate:
        if not (c.is_report and c.report and c.period and c.contributors):
            return c
        date = self.reporting.date(c.report, c.period, c.due.year)
        return replace(c, cutoff=date.cutoff) if date is not None and date.cutoff else replace(c, contributors=())

    def checkin_cutoffs(self, years: Sequence[int]) -> list[dt.date]:
        report = self.policy.checkin_report
        dates = (self.reporting.date(report, period, year) for year in years for period in self.reporting.periods(report))
        return sorted(d.cutoff for d in dates if d is not None and d.cutoff is not None)

    async def _plan(self, now: dt.datetime, *, channels: Sequence[str] | None, dry_run: bool) -> Planned:
        planned = Planned()
        if not self.planner.window_open(now):
            return planned
        today = self.planner.local(now).date()
        self.engine.new_day(today)
        async with self.uow() as uow:
            repo = uow.reminders
            recipients, routes = await repo.recipients(channels)
            planned.people = {r.user_id: r for r in recipients}
            excluded = await repo.unassigned_scoped_leads()
            extra = {r.days_before for r in recipients if r.days_before}
            lo, hi = self.planner.candidate_window(today, extra)
            candidates = [self._with_cutoff(c) for c in await repo.candidates(lo, hi, sorted(excluded))]
            planned.items = self.planner.plan(now, candidates, recipients)
            planned.routes = routes
            receivers = self.planner.receivers(now, recipients)
            years = await repo.plan_years()
            await self._checkins(repo, today, years, sorted(excluded), receivers, planned)
            await self._missing_targets(uow, now, today, years, receivers, recipients, planned)
            await self._year_end(repo, now, today, years, sorted(excluded), receivers, recipients, planned)
            week = self.planner.digest_due(now)
            if week is not None:
                await self._weekly(repo, now, week, recipients, dry_run, planned, sorted(excluded))
        self.planner.explain(planned.items, recipients, now)
        return planned

    async def _checkins(self, repo: ReminderRepository, today: dt.date, years: list[int], excluded: list[int],
                        receivers: dict[str, tuple[list[int], list[int]]], planned: Planned) -> None:
        """Year-round work: one check-in per unit before each report cut-off, listing its «việc thường xuyên»."""
        for cutoff in self.planner.checkins_due(today, self.checkin_cutoffs(years)):
            shares = await repo.open_shares(cutoff.year, excluded, kinds=[YEAR_ROUND])
            period = next((PERIOD_NAMES.get(p, p) for p in self.reporting.periods(self.policy.checkin_report)
                           if (d := self.reporting.date(self.policy.checkin_report, p, cutoff.year)) and d.cutoff == cutoff),
                          None)
            for unit_id, mine in sorted(shares.items()):
                reachable, unreachable = receivers.get(unit_id, ([], []))
                planned.items.append(DueItem(
                    key=checkin_key(unit_id, cutoff), kind=CHECKIN, unit_id=unit_id,
                    offset=self.policy.checkin_working_days_before, due=cutoff, label=period or "",
                    content=mine, recipients=list(reachable), unreachable=list(unreachable),
                ))

    async def _missing_targets(self, uow: UnitOfWork, now: dt.datetime, today: dt.date, years: list[int], receivers: dict[str, tuple[list[int], list[int]]],
                               recipients: list[Recipient], planned: Planned) -> None:
        """On a check-in's day (the pre-cut-off check-in, `checkin_working_days_before` working days before
        each cut-off of the CCHC report, which states the targets' figures), the plan's targets with no
        figure for that period ride in the same message: each unit leading tasks of an area by name gets
        that area's missing targets (`domain.reminders.responsible_units` says why those units), the
        coordinators the count of all of them. Read at every tick: a figure reported since is not asked
        for again. The report-input reminder (task 5's contributors, 3 working days before) is not used:
        it reaches only a report's coordinating units, and later."""
        report = self.policy.checkin_report
        for cutoff in self.planner.checkins_due(today, self.checkin_cutoffs(years)):
            period = next((p for p in self.reporting.periods(report)
                           if (d := self.reporting.date(report, p, cutoff.year)) and d.cutoff == cutoff), None)
            plan = await uow.plans.plan_by_year(cutoff.year)
            if period is None or plan is None:
                continue
            stored = await uow.targets.targets(plan.id)
            if stored:
                reported = {f.target_id for f, _ in await uow.targets.figures(plan.id, period=period)}
                rows = [(t.section_number, t.code, t.short_name, t.goal, t.id in reported) for t in stored]
            else:  # a plan imported before targets were stored: nothing can have been reported for them
                rows = [(t.section, t.code, t.short_name, t.goal, False)
                        for s in await uow.plans.sections(plan.id) for t in section_targets(s.number, list(s.targets or []))]
            quantified = sum(1 for row in rows if row[3] is not None)
            missing = [(section, code, name) for section, code, name, goal, done in rows if goal is not None and not done]
            if not missing:
                continue
            areas = responsible_units(await uow.reminders.section_leads(cutoff.year),
                                      self.units.members_of_kinds(("internal",)),
                                      self.units.members_of_kinds(("leadership", "desk", "external")))
            by_unit: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for section, code, name in missing:
                for unit_id in areas.get(section, []):
                    by_unit[unit_id].append((code, name))
            label = f"Chỉ tiêu chưa có số liệu {PERIOD_NAMES.get(period, period)}"
            # Heads report figures, officers only read them (services.target_service): only heads are asked.
            heads = {r.user_id for r in recipients if r.role == "head"}
            for unit_id, mine in sorted(by_unit.items()):
                reachable, unreachable = receivers.get(unit_id, ([], []))
                planned.items.append(DueItem(
                    key=targets_key(unit_id, cutoff), kind=TARGETS, unit_id=unit_id, offset=None, due=cutoff,
                    label=label, content=MissingTargets(period, tuple(mine), quantified),
                    recipients=[u for u in reachable if u in heads], unreachable=[u for u in unreachable if u in heads],
                ))
            coordinators = [r for r in recipients if r.wants_overview(self.policy) and not r.paused(now)]
            planned.items.append(DueItem(
                key=targets_key(None, cutoff), kind=TARGETS, unit_id=None, offset=None, due=cutoff,
                label=f"{label} — toàn Sở",
                content=MissingTargets(period, tuple((code, name) for _, code, name in missing), quantified),
                recipients=[r.user_id for r in coordinators if r.channels],
                unreachable=[r.user_id for r in coordinators if not r.channels],
            ))

    async def _year_end(self, repo: ReminderRepository, now: dt.datetime, today: dt.date, years: list[int],
                        excluded: list[int], receivers: dict[str, tuple[list[int], list[int]]], recipients: list[Recipient], planned: Planned) -> None:
        """The first working day after a plan year: what stayed open, per unit and for the department."""
        for year in self.planner.year_ends_due(today, years):
            shares = await repo.open_shares(year, excluded, dated=True)
            for unit_id, mine in sorted(shares.items()):
                reachable, unreachable = receivers.get(unit_id, ([], []))
                planned.items.append(DueItem(
                    key=year_end_key(unit_id, year), kind=YEAR_END, unit_id=unit_id, offset=None,
                    due=dt.date(year, 12, 31), label=f"Tổng kết năm {year}", content=mine,
                    recipients=list(reachable), unreachable=list(unreachable),
                ))
            coordinators = [r for r in recipients if r.wants_overview(self.policy) and not r.paused(now)]
            planned.items.append(DueItem(
                key=year_end_key(None, year), kind=YEAR_END, unit_id=None, offset=None, due=dt.date(year, 12, 31),
                label=f"Tổng kết năm {year} — toàn Sở", content=shares,
                recipients=[r.user_id for r in coordinators if r.channels],
                unreachable=[r.user_id for r in coordinators if not r.channels],
            ))

    def _digest_people(self, now: dt.datetime, recipients: list[Recipient]) -> dict[str, list[Recipient]]:
        """unit → who gets its weekly digest: its heads, and its delegate (units.yaml `reminders_to`)."""
        awake = [r for r in recipients if not r.paused(now)]
        heads: dict[str, list[Recipient]] = defaultdict(list)
        for r in awake:
            if r.wants_digest(self.policy):
                heads[r.unit_id].append(r)
        for unit_id, (to_unit, role) in self.planner.delegates.items():
            for r in awake:
                if (r.unit_id, r.role) == (to_unit, role) and r.wants_delegated() and r not in heads[unit_id]:
                    heads[unit_id].append(r)
        return {u: rs for u, rs in heads.items() if rs}

    async def _weekly(
        self, repo: ReminderRepository, now: dt.datetime, week: dt.date, recipients: list[Recipient],
        dry_run: bool, planned: Planned, excluded: list[int],
    ) -> None:
        """This week's digests (unit heads) and overview (coordinators). Content is read only while some
        digest is still pending; an empty one is settled without a message, so the week's later ticks
        cost one ledger lookup."""
        policy = self.policy.digest
        today = self.planner.local(now).date()
        heads = self._digest_people(now, recipients)
        coordinators = [r for r in recipients if r.wants_overview(self.policy) and not r.paused(now)]
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
        # lateness counts from the working day a deadline is really due: a day off before the week's first
        # working day (a Monday holiday) belongs to the week before, so it is overdue, not «this week»
        first_working = self.workdays.next_working_day(week)
        # A dry run over many units needs to know what is empty, not every line of every digest.
        limit = 0 if dry_run and len(units) > 50 else max(policy.max_items, policy.max_overdue)
        summaries: dict[str, WeekSummary] = {}
        if units:
            # Many units: one pass over everything beats a long IN list (and the dry run wants them all).
            scope = None if dry_run or len(units) > 200 else sorted(units)
            summaries = await repo.week_summaries(week, report_until, scope, limit=limit, today=today,
                                                  excluded=excluded, late_before=first_working)
        for unit_id in sorted(units):
            summary = summaries.get(unit_id) or WeekSummary(week)
            people = heads.get(unit_id, [])
            if summary.empty and policy.skip_empty:
                quiet(digest_key(unit_id, week), unit_id, people)
                continue
            planned.items.append(
                DueItem(
                    key=digest_key(unit_id, week), kind=DIGEST, unit_id=unit_id, offset=None, due=week,
                    label="Tổng hợp tuần", content=summary,
                    recipients=[r.user_id for r in people if r.channels],
                    unreachable=[r.user_id for r in people if not r.channels],
                )
            )
        if any(person_key(overview, r.user_id) in pending for r in coordinators) or (dry_run and not coordinators):
            by_unit = await repo.week_summaries(week, week, None, limit=0 if dry_run else OVERVIEW_TASKS, today=today,
                                                excluded=excluded, late_before=first_working)
            if not any(s.total("overdue") or s.total("week") for s in by_unit.values()) and policy.skip_empty:
                quiet(overview, None, coordinators)
                return
            planned.items.append(
                DueItem(
                    key=overview, kind=OVERVIEW, unit_id=None, offset=None, due=week,
                    label="Tổng quan tuần", content=by_unit,
                    recipients=[r.user_id for r in coordinators if r.channels],
                    unreachable=[r.user_id for r in coordinators if not r.channels],
                )
            )

    # -- the simulator --------------------------------------------------------------------------------
    async def simulate(self, start: dt.date, end: dt.date, *, staff_all: bool = False) -> list[SimulatedMessage]:
        """What the scheduler would send from `start` to `end` (docs/contracts.md §4): the real planner, grouping
        and delivery path on a throw-away copy of the database, one tick at each morning's window opening,
        every message recorded and marked delivered in the copy. Nothing is marked done."""
        if self.sandbox is None:
            raise RuntimeError("no sandbox configured for the reminder simulator")
        if end < start:
            raise ValueError("ngày kết thúc phải sau ngày bắt đầu")
        async with self.sandbox() as copy:
            async with copy() as uow:
                if staff_all:
                    await uow.reminders.staff_all(self.units)
                    await uow.commit()
                channels = await uow.reminders.channel_names()
            clock = FixedClock(dt.datetime.combine(start, self.policy.window_start, self.tz))
            texts: dict[str, str] = {}

            def compose(message: PersonMessage, delivery_id: int | None) -> Reply:
                reply = self.compose(message, delivery_id)
                texts[message.key] = reply.text
                return reply

            fast = replace(self.policy, delivery=replace(self.policy.delivery, rate_per_second=1e9, concurrency=1))
            twin = ReminderService(copy, self.units, self.reporting, self.workdays, clock, fast, compose=compose,
                                   worker="simulator")
            senders = {name: _NullSender() for name in {"telegram", "zalo", "console", *channels}}
            out: list[SimulatedMessage] = []
            day = start
            while day <= end:
                if self.workdays.is_working_day(day):
                    at = dt.datetime.combine(day, self.policy.window_start, self.tz)
                    clock.set(at)
                    report = await twin.tick(senders, at)
                    for key in report.delivery.sent_keys:
                        message = report.messages.get(key)
                        if message is None or message.user_id is None:
                            continue
                        text = texts.get(key, "")
                        out.append(SimulatedMessage(
                            at=at, to_user=message.user_id, to_unit=message.unit_id, role=message.role,
                            kind=message.kind, chars=len(text), text=text, items=tuple(self._sim_items(message)),
                        ))
                day += dt.timedelta(days=1)
        out.sort(key=lambda m: (m.at, m.to_user))
        return out

    def _sim_items(self, message: PersonMessage) -> list[dict[str, Any]]:
        """§4b items: the message's items, and the milestones a digest lists (kind «digest»)."""
        out = []
        for i in message.items:
            out.append({"task": i.task_number, "milestone": i.label, "due": i.due.isoformat() if i.due else None,
                        "kind": i.contract_kind, "recipient_unit": i.unit_id})
            if i.kind == DIGEST and isinstance(i.content, WeekSummary):
                d = self.policy.digest
                listed = (*i.content.section("week")[: d.max_items], *i.content.section("overdue")[: d.max_overdue],
                          *i.content.section("reports")[: d.max_items])
                out.extend({"task": c.task_number, "milestone": c.label, "due": c.due.isoformat(), "kind": DIGEST,
                            "recipient_unit": c.unit_id} for c in listed)
        return out

    # -- scoped shares --------------------------------------------------------------------------------
    async def assign_scope(self, task_number: int, unit_ids: Sequence[str], user_id: int | None) -> ScopeAssigned:
        """«nv 54 giao QLTM, QLNL»: from now on the scoped share of task 54 is reminded to those units only."""
        if not unit_ids:
            raise SettingsError("no_units")
        async with self.uow() as uow:
            rows = await uow.reminders.scoped_assignments(task_number)
            if not rows:
                raise SettingsError("not_scoped", task=task_number)
            leads = {u for _, lead, _ in rows for u in lead}
            outside = [u for u in unit_ids if u not in leads]
            if outside:
                raise SettingsError("outside_scope", task=task_number, units=tuple(outside))
            for assignment_id, _lead, _scope in rows:
                await uow.reminders.assign_scope(assignment_id, list(dict.fromkeys(unit_ids)), user_id)
            await uow.commit()
        return ScopeAssigned(task_number, rows[0][2], tuple(dict.fromkeys(unit_ids)))

    # -- settings -------------------------------------------------------------------------------------
    async def settings(self, user_id: int) -> SettingsView:
        async with self.uow() as uow:
            user = await uow.reminders.settings(user_id)
        if user is None:
            raise SettingsError("no_user")
        return self._view(user)

    async def set_enabled(self, user_id: int, enabled: bool) -> SettingsView:
        """«tắt nhắc nhở» / «bật lại». Turning on also ends a snooze: the person wants reminders now."""
        return await self._update(user_id, reminders_enabled=enabled, **({"snoozed_until": None} if enabled else {}))

    async def set_days_before(self, user_id: int, days: int) -> SettingsView:
        """«nhắc trước N ngày»: the first reminder N working days before; asking for it turns reminders on."""
        if not 0 <= days <= MAX_DAYS_BEFORE:
            raise SettingsError("days_out_of_range", most=MAX_DAYS_BEFORE)
        return await self._update(user_id, remind_days_before=days, reminders_enabled=True)

    async def resume(self, user_id: int) -> SettingsView:
        return await self._update(user_id, snoozed_until=None)

    async def snooze(self, user_id: int, delivery_id: int, choice: str, now: dt.datetime) -> dt.datetime:
        """A snooze button on a reminder: pause this person's reminders until a working morning."""
        if choice not in SNOOZE_CODES:
            raise SettingsError("bad_snooze")
        async with self.uow() as uow:
            repo = uow.reminders
            if await repo.delivery_owner(delivery_id) != user_id:
                raise SettingsError("not_your_reminder")
            until = self.snooze_until(now, choice)
            await repo.update_settings(user_id, snoozed_until=until.astimezone(dt.UTC))
            await uow.commit()
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

    async def _update(self, user_id: int, **values: Any) -> SettingsView:
        async with self.uow() as uow:
            user = await uow.reminders.update_settings(user_id, **values)
            if user is None:
                raise SettingsError("no_user")
            view = self._view(user)
            await uow.commit()
            return view

    def _view(self, user: PersonSettings) -> SettingsView:
        person = Recipient(
            user_id=user.user_id, unit_id=user.unit_id, role=user.role, enabled=user.reminders_enabled,
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


class _NullSender:
    """The simulator's channel: accepts every message (the composed text is recorded by the service)."""

    channel = "simulator"

    async def send(self, chat_id: str, reply: Reply) -> None:
        return None


def as_contract(items: Sequence[DueItem]) -> list[dict[str, Any]]:
    """docs/contracts.md §4 objects."""
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
            "message": item.message,
            "unreachable_reason": None if item.recipients else item.unreachable_reason,
        }
        for item in items
    ]
