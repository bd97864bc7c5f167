"""Reminders as use cases: what is due now (dry run), one scheduler tick, the simulator, each person's
settings, and which units a scoped share concerns — the one entry point the app holds (`App.reminders`).

A tick reads the data and lets the domain decide what is due (`services.reminders.planning` around
`domain.reminders.planner`), groups it into ONE message per person per working day
(`domain.reminders.grouping`), and hands those messages to the engine (`services.reminders.delivery`),
which claims each message's key in the database before sending and records the items it carried once it
is sent. Between ticks a process remembers only which keys are settled for good (a cache of final
states); everything else is read again, so any number of processes may tick at once.

The service produces data (`PersonMessage`: items grouped per person and day); the wording is composed by
the `compose` and `labels` callables the bootstrap injects (presentation code), so services never import
presentation. The simulator and the per-person settings live in their own modules; this class delegates.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from domain.clock import Clock
from domain.messages import Reply, Sender
from domain.reminders.grouping import PersonMessage, group_messages
from domain.reminders.model import Candidate, DueItem, SettingsView
from domain.reminders.planner import Planner
from domain.reminders.policy import ReminderPolicy
from domain.reporting import ReportingCalendar
from domain.shares import Status
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.reminders.delivery import DeliveryEngine, Outgoing, Record, SettleNote, utc_now
from services.reminders.planning import Labels, ReminderPlanning
from services.reminders.settings import ReminderSettings, ScopeAssigned
from services.reminders.simulator import Sandbox, SimulatedMessage, simulate
from services.reminders.ticks import Composer, TickReport
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


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
        labels: Labels,
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
        self.labels = labels
        self.sandbox = sandbox
        self.tz: ZoneInfo = ZoneInfo(reporting.timezone) if reporting.timezone else clock.tz
        self.planner = Planner(policy, workdays, self.tz, reporting.remind_before_days, units.delegates())
        self.engine = DeliveryEngine(uow, policy.delivery, wall=wall, worker=worker)
        self.planning = ReminderPlanning(uow, self.planner, policy, units, reporting, workdays, self.engine, labels)
        self.per_person = ReminderSettings(uow, policy, workdays, clock, self.tz)

    def twin(self, uow: UnitOfWorkFactory, clock: Clock, policy: ReminderPolicy, compose: Composer) -> ReminderService:
        """The same service on another database (the simulator's copy), clock, policy and composer."""
        return ReminderService(uow, self.units, self.reporting, self.workdays, clock, policy, compose=compose,
                               labels=self.labels, worker="simulator")

    # -- what is due ----------------------------------------------------------------------------------
    async def due(self, at: dt.datetime) -> list[DueItem]:
        """Dry run (docs/contracts.md §4): unit-level reminders due at `at` and not sent before; sends and
        writes nothing. A unit nobody would reach is listed with no recipients and the reason; each
        item carries the text of the message it goes out in."""
        planned = await self.planning.plan(at, channels=None, dry_run=True)
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
                    grouped.update((m.user_id, m) for m in group_messages(listed, today, planned.people)
                                   if m.user_id is not None)
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
        planned = await self.planning.plan(now, channels=list(senders), dry_run=False)
        if planned.quiet:  # empty digests: settle them so the week's later ticks do not look again
            await self.engine.settle_quietly(planned.quiet, SettleNote.NOTHING_THIS_WEEK)
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
            statuses = await uow.reminders.lead_statuses(sorted(leads))
        done = {lead for lead, status in statuses.items() if status == Status.DONE}
        return {o.key for o in batch
                if o.records and all(r["lead_id"] is not None and r["lead_id"] in done for r in o.records)}

    @staticmethod
    def _records(message: PersonMessage) -> list[Record]:
        """The items a message carried, recorded as delivered to its person once it is sent."""
        uid = message.user_id
        assert uid is not None  # only a person's message is sent
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
        details: dict[tuple[int, int], Candidate] = {}
        if pairs:
            async with self.uow() as uow:
                details = {pair: row.current_candidate() for pair, row in (await uow.reminders.current(pairs)).items()}
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

    # -- the simulator --------------------------------------------------------------------------------
    async def simulate(self, start: dt.date, end: dt.date, *, staff_all: bool = False) -> list[SimulatedMessage]:
        """What the scheduler would send from `start` to `end` (docs/contracts.md §4b)."""
        if self.sandbox is None:
            raise RuntimeError("no sandbox configured for the reminder simulator")
        if end < start:
            raise ValueError("end before start")
        return await simulate(self, self.sandbox, start, end, staff_all=staff_all)

    # -- scoped shares and settings (services.reminders.settings) -------------------------------------
    async def assign_scope(self, task_number: int, unit_ids: Sequence[str], user_id: int | None) -> ScopeAssigned:
        return await self.per_person.assign_scope(task_number, unit_ids, user_id)

    async def settings(self, user_id: int) -> SettingsView:
        return await self.per_person.settings(user_id)

    async def set_enabled(self, user_id: int, enabled: bool) -> SettingsView:
        return await self.per_person.set_enabled(user_id, enabled)

    async def set_days_before(self, user_id: int, days: int) -> SettingsView:
        return await self.per_person.set_days_before(user_id, days)

    async def resume(self, user_id: int) -> SettingsView:
        return await self.per_person.resume(user_id)

    async def snooze(self, user_id: int, delivery_id: int, choice: str, now: dt.datetime) -> dt.datetime:
        return await self.per_person.snooze(user_id, delivery_id, choice, now)

    def snooze_until(self, now: dt.datetime, choice: str) -> dt.datetime:
        return self.per_person.snooze_until(now, choice)


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
