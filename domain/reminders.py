"""What is due, computed from data alone (no I/O): the heart of the reminder policy.

A milestone of a unit's share of an assignment has a fixed sequence of *steps* — 7, 3, 1 working days
before, the deadline itself, then every 3 working days overdue — each on a *slot* (a working day,
sent from the window's opening time). At an instant `now` inside the sending window, the step that is
due for a recipient is the LATEST step whose slot has come, provided it is not older than the catch-up
limit. Sending only the latest is what makes downtime, snoozes and late registrations harmless: no
flood of stale reminders, and nothing is computed from "what the last tick did" (there are no jobs).

Whether that step was already delivered is the database's business (`reminder_deliveries.key`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from domain.plan import PERIODIC_REPORT
from domain.reminder_policy import ReminderPolicy
from domain.workdays import WorkingCalendar

BEFORE_DUE = "before_due"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
REPORT_BEFORE_DUE = "report_before_due"
DIGEST = "digest"
KINDS = (BEFORE_DUE, DUE_TODAY, OVERDUE, REPORT_BEFORE_DUE, DIGEST)
OVERVIEW = "overview"  # the coordinators' weekly overview; reported as kind «digest» (CONTRACTS §4)


@dataclass(frozen=True)
class Candidate:
    """One not-done (lead unit, milestone) pair with a known deadline, as the repository reads it."""

    lead_id: int
    unit_id: str
    milestone_id: int
    milestone_kind: str
    label: str
    due: dt.date
    task_number: int
    task_title: str = ""
    status: str = "not_started"
    percent: int | None = None

    @property
    def is_report(self) -> bool:
        return self.milestone_kind == PERIODIC_REPORT


@dataclass(frozen=True)
class Recipient:
    """A registered person as the policy sees them; `channels` are the reachable (channel, chat) pairs."""

    user_id: int
    unit_id: str
    role: str
    enabled: bool | None = None  # None: the role's default
    days_before: int | None = None
    snoozed_until: dt.datetime | None = None
    channels: tuple[str, ...] = ()

    def wants_items(self, policy: ReminderPolicy) -> bool:
        if self.role == "head":
            default = policy.head_reminders
        elif self.role == "officer":
            default = policy.officer_reminders
        else:
            return False  # coordinators, leaders, admins follow the plan through the overview
        return default if self.enabled is None else self.enabled

    def wants_digest(self, policy: ReminderPolicy) -> bool:
        return self.role == "head" and (policy.head_reminders if self.enabled is None else self.enabled)

    def wants_overview(self, policy: ReminderPolicy) -> bool:
        return self.role == "coordinator" and (
            policy.coordinator_overview if self.enabled is None else self.enabled
        )

    def paused(self, now: dt.datetime) -> bool:
        return self.snoozed_until is not None and aware(self.snoozed_until) > now


WEEK, LATE, REPORTS = "week", "overdue", "reports"  # the sections of a weekly digest


@dataclass
class WeekSummary:
    """One unit's week for its digest: milestones due this week, overdue ones (before this week),
    periodic reports coming up — the first few of each, and how many there are in all."""

    week: dt.date
    items: dict[str, list[Candidate]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def section(self, name: str) -> list[Candidate]:
        return self.items.get(name, [])

    def total(self, name: str) -> int:
        return self.counts.get(name, 0)

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


@dataclass(frozen=True, order=True)
class Step:
    """One reminder of a milestone. Ordered by (slot, rank): the greater is the more recent."""

    slot: dt.date
    rank: int
    kind: str = field(compare=False)
    offset: int = field(compare=False)  # days before the deadline; negative once overdue


@dataclass
class DueItem:
    """A unit-level reminder due now (CONTRACTS §4) and the people it would reach."""

    key: str
    kind: str  # one of KINDS, or OVERVIEW
    unit_id: str | None
    offset: int | None
    due: dt.date | None
    task_number: int | None = None
    label: str = ""
    candidate: Candidate | None = None
    recipients: list[int] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)
    content: object | None = None  # digests: what the message will list (built by the service)

    @property
    def contract_kind(self) -> str:
        return DIGEST if self.kind == OVERVIEW else self.kind

    def delivery_key(self, user_id: int) -> str:
        return person_key(self.key, user_id)


def person_key(item: str, user_id: int) -> str:
    """The idempotency key of one delivery: the unit-level item's key — (unit, lead, milestone, kind,
    offset, due date) or (unit, digest, week) — plus the person it goes to."""
    return f"{item}:u{user_id}"


def item_key(c: Candidate, step: Step) -> str:
    return f"{c.unit_id}:{c.lead_id}:{c.milestone_id}:{step.kind}:{step.offset}:{c.due.isoformat()}"


def digest_key(unit_id: str, week: dt.date) -> str:
    return f"{unit_id}:digest:{week.isoformat()}"


def overview_key(week: dt.date) -> str:
    return f"*:overview:{week.isoformat()}"


class Planner:
    """Turns the policy and the working-day calendar into slots; caches per deadline, because a
    national-scale plan has 100,000 rows but only a few hundred distinct deadlines."""

    def __init__(self, policy: ReminderPolicy, workdays: WorkingCalendar, tz: ZoneInfo,
                 report_days: Iterable[int] = (10, 5, 2, 0)) -> None:
        self.policy = policy
        self.workdays = workdays
        self.tz = tz
        self.report_days = tuple(sorted({int(d) for d in report_days}, reverse=True))
        self.steps = lru_cache(maxsize=65536)(self._steps)

    # -- time ---------------------------------------------------------------------------------------
    def local(self, now: dt.datetime) -> dt.datetime:
        return aware(now).astimezone(self.tz)

    def window_open(self, now: dt.datetime) -> bool:
        local = self.local(now)
        return (
            self.workdays.is_working_day(local.date())
            and self.policy.window_start <= local.time() < self.policy.window_end
        )

    def next_window_opening(self, now: dt.datetime) -> dt.datetime:
        """When reminders held back at `now` go out: now if the window is open, else the next working morning."""
        local = self.local(now)
        if self.window_open(local):
            return local
        day = local.date()
        if local.time() >= self.policy.window_start:
            day += dt.timedelta(days=1)
        day = self.workdays.next_working_day(day)
        return dt.datetime.combine(day, self.policy.window_start, self.tz)

    def effective_due(self, due: dt.date) -> dt.date:
        """A deadline on a day off is reminded for the last working day before it."""
        return self.workdays.previous_working_day(due)

    def catch_up_floor(self, today: dt.date) -> dt.date:
        return self.workdays.subtract_working_days(today, self.policy.catch_up_working_days)

    # -- steps --------------------------------------------------------------------------------------
    def _steps(self, due: dt.date, is_report: bool, offsets: tuple[int, ...]) -> tuple[Step, ...]:
        wd, policy = self.workdays, self.policy
        last_day = self.effective_due(due)
        steps: list[Step] = []
        if is_report:
            for days in self.report_days:
                if days <= 0:
                    continue
                if policy.report_days_are_working_days:
                    slot = wd.subtract_working_days(last_day, days)
                else:  # calendar days; a day off moves it forward, but never past the deadline
                    slot = min(wd.next_working_day(last_day - dt.timedelta(days=days)), last_day)
                steps.append(Step(slot, -days, REPORT_BEFORE_DUE, days))
        else:
            steps.extend(
                Step(wd.subtract_working_days(last_day, days), -days, BEFORE_DUE, days) for days in offsets if days > 0
            )
        if policy.due_today:
            steps.append(Step(last_day, 0, DUE_TODAY, 0))
        every = policy.overdue_every_working_days
        for n in range(1, policy.overdue_max_times + 1):
            steps.append(Step(wd.add_working_days(due, every * n), every * n, OVERDUE, -every * n))
        return tuple(sorted(steps))

    def latest_step(self, steps: tuple[Step, ...], today: dt.date, floor: dt.date) -> Step | None:
        """The most recent step whose slot has come, unless it is older than the catch-up floor."""
        best = None
        for step in steps:
            if step.slot > today:
                break
            best = step
        return best if best is not None and best.slot >= floor else None

    def candidate_window(self, today: dt.date, extra_offsets: Iterable[int] = ()) -> tuple[dt.date, dt.date]:
        """Deadlines [lo, hi] that can have a step in [catch-up floor, today] — the SQL date filter that
        keeps a tick from reading every row of a large plan."""
        wd, policy = self.workdays, self.policy
        floor = self.catch_up_floor(today)
        span = policy.overdue_every_working_days * policy.overdue_max_times
        lo = wd.subtract_working_days(floor, span) - dt.timedelta(days=1)
        ahead = max((*policy.before_due_working_days, *extra_offsets, 0))
        last_day = wd.add_working_days(today, ahead)  # the latest effective deadline with a step by today
        report_ahead = max((*self.report_days, 0))
        if policy.report_days_are_working_days:
            last_day = max(last_day, wd.add_working_days(today, report_ahead))
        else:
            last_day = max(last_day, today + dt.timedelta(days=report_ahead))
        # A deadline on a day off is reminded for the working day before it: the days off that follow
        # `last_day` belong to it too.
        return lo, wd.next_working_day(last_day + dt.timedelta(days=1)) - dt.timedelta(days=1)

    # -- digests ------------------------------------------------------------------------------------
    def week_of(self, day: dt.date) -> dt.date:
        return day - dt.timedelta(days=day.weekday())

    def digest_slot(self, week: dt.date) -> dt.datetime | None:
        """The first working day from the policy's weekday on, at the digest time; None for a week
        with no working day left (Tết)."""
        day = week + dt.timedelta(days=self.policy.digest.weekday)
        while day < week + dt.timedelta(days=7):
            if self.workdays.is_working_day(day):
                return dt.datetime.combine(day, max(self.policy.digest.time, self.policy.window_start), self.tz)
            day += dt.timedelta(days=1)
        return None

    def digest_due(self, now: dt.datetime) -> dt.date | None:
        """The Monday of the week whose digest is due at `now` (inside the window), or None."""
        local = self.local(now)
        if not self.window_open(local):
            return None
        week = self.week_of(local.date())
        slot = self.digest_slot(week)
        return week if slot is not None and slot <= local else None

    # -- planning -----------------------------------------------------------------------------------
    def plan(
        self, now: dt.datetime, candidates: Iterable[Candidate], recipients: Iterable[Recipient]
    ) -> list[DueItem]:
        """The unit-level item reminders due at `now`, each with the people it would reach.

        Every recipient gets the latest step of their own schedule («nhắc trước N ngày» changes it);
        a unit nobody would reach still gets its default item listed, with no recipients, so that an
        operator sees reminders falling into the void.
        """
        local = self.local(now)
        if not self.window_open(local):
            return []
        today = local.date()
        floor = self.catch_up_floor(today)
        groups = self._groups(now, recipients)
        default = self.policy.before_due_working_days
        items: dict[str, DueItem] = {}
        for c in candidates:
            unit_groups = groups.get(c.unit_id)
            if not unit_groups:
                step = self.latest_step(self.steps(c.due, c.is_report, default), today, floor)
                if step is not None:
                    self._item(items, c, step)
                continue
            for offsets, (reachable, unreachable) in unit_groups.items():
                step = self.latest_step(self.steps(c.due, c.is_report, offsets), today, floor)
                if step is None:
                    continue
                item = self._item(items, c, step)
                item.recipients.extend(reachable)
                item.unreachable.extend(unreachable)
        return list(items.values())

    def _item(self, items: dict[str, DueItem], c: Candidate, step: Step) -> DueItem:
        key = item_key(c, step)
        item = items.get(key)
        if item is None:
            item = items[key] = DueItem(
                key=key, kind=step.kind, unit_id=c.unit_id, offset=step.offset, due=c.due,
                task_number=c.task_number, label=c.label, candidate=c,
            )
        return item

    def _groups(
        self, now: dt.datetime, recipients: Iterable[Recipient]
    ) -> dict[str, dict[tuple[int, ...], tuple[list[int], list[int]]]]:
        """unit → offsets → (reachable user ids, unreachable user ids) of the people who want items now."""
        groups: dict[str, dict[tuple[int, ...], tuple[list[int], list[int]]]] = defaultdict(dict)
        for r in recipients:
            if not r.wants_items(self.policy) or r.paused(now):
                continue
            offsets = self.policy.offsets_for(r.days_before)
            reachable, unreachable = groups[r.unit_id].setdefault(offsets, ([], []))
            (reachable if r.channels else unreachable).append(r.user_id)
        return groups


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
