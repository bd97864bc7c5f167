"""What is due, computed from data alone (no I/O): the heart of the reminder policy.

A milestone of a unit's share of an assignment has a fixed sequence of *steps* — 7, 3, 1 working days
before, the deadline itself, then every 3 working days overdue — each on a *slot* (a working day,
sent from the window's opening time). At an instant `now` inside the sending window, the step that is
due for a recipient is the LATEST step whose slot has come, provided it is not older than the catch-up
limit. Sending only the latest is what makes downtime, snoozes and late registrations harmless: no
flood of stale reminders, and nothing is computed from "what the last tick did" (there are no jobs).

Whether that step was already delivered is the database's business (`reminder_deliveries.key`).

What goes out is grouped: everything due for one person on one working day is ONE message
(`PersonMessage`, most urgent first); on the first working day of the week that message is the digest.
«Cả năm» work is never a countdown (it gets check-ins before the report cut-offs), the plan year closes
on 31/12 (no overdue after it; a year-end summary instead), milestones due before the plan year began
are what the plan itself fulfils (never reminded), and units that feed a consolidated report are asked
for their input before its cut-off.
"""


from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

from domain.reminders.model import (
    BEFORE_DUE,
    DUE_TODAY,
    NO_DELEGATE,
    NO_HEAD,
    OPTED_OUT,
    OVERDUE,
    REPORT_BEFORE_DUE,
    REPORT_INPUT,
    SNOOZED,
    UNREACHABLE,
    Candidate,
    DueItem,
    Recipient,
    Step,
    aware,
    input_key,
    item_key,
)
from domain.reminders.policy import ReminderPolicy
from domain.workdays import WorkingCalendar

# unit → before-due offsets → (reachable user ids, unreachable user ids)
Groups = dict[str, dict[tuple[int, ...], tuple[list[int], list[int]]]]


class Planner:
    """Turns the policy and the working-day calendar into slots; caches per deadline, because a
    national-scale plan has 100,000 rows but only a few hundred distinct deadlines."""

    def __init__(self, policy: ReminderPolicy, workdays: WorkingCalendar, tz: ZoneInfo,
                 report_days: Iterable[int] = (10, 5, 2, 0),
                 delegates: dict[str, tuple[str, str]] | None = None) -> None:
        self.policy = policy
        self.workdays = workdays
        self.tz = tz
        self.report_days = tuple(sorted({int(d) for d in report_days}, reverse=True))
        self.delegates = dict(delegates or {})
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
    def _steps(self, due: dt.date, is_report: bool, offsets: tuple[int, ...], plan_year: int = 0) -> tuple[Step, ...]:
        """The steps of one deadline; with `plan_year`, none after 31/12 of that year (the year closes)."""
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
            # counted from the working day it was really due, as the overdue rule (domain.shares) counts
            steps.append(Step(wd.add_working_days(last_day, every * n), every * n, OVERDUE, -every * n))
        if plan_year:
            year_end = dt.date(plan_year, 12, 31)
            steps = [s for s in steps if s.slot <= year_end]
        return tuple(sorted(steps))

    def input_step(self, cutoff: dt.date, today: dt.date, floor: dt.date) -> Step | None:
        """The contributors' «send your figures» step: N working days before the report's cut-off,
        due from then until the cut-off (within the catch-up limit)."""
        last = self.effective_due(cutoff)
        n = self.policy.report_input_working_days_before
        slot = self.workdays.subtract_working_days(last, n)
        if floor <= slot <= today <= last:
            return Step(slot, -n, REPORT_INPUT, n)
        return None

    def checkin_slot(self, cutoff: dt.date) -> dt.date:
        return self.workdays.subtract_working_days(self.effective_due(cutoff), self.policy.checkin_working_days_before)

    def checkins_due(self, today: dt.date, cutoffs: Iterable[dt.date]) -> list[dt.date]:
        """Cut-offs whose year-round check-in is due today (from its slot up to the cut-off itself)."""
        floor = self.catch_up_floor(today)
        return [c for c in cutoffs if floor <= self.checkin_slot(c) <= today <= self.effective_due(c)]

    def year_end_day(self, year: int) -> dt.date:
        """The first working day after the plan year: the day of its year-end summary."""
        return self.workdays.next_working_day(dt.date(year + 1, 1, 1))

    def new_year_day(self, year: int, imported: dt.date) -> dt.date:
        """The day of a plan year's first message: the first working day after its plan was imported, and
        not before the year itself begins (a plan imported in December waits for January)."""
        after_import = self.workdays.next_working_day(imported + dt.timedelta(days=1))
        return max(after_import, self.workdays.next_working_day(dt.date(year, 1, 1)))

    def new_years_due(self, today: dt.date, imports: dict[int, dt.date]) -> list[int]:
        """Plan years whose first message is due today (from its day, within the catch-up floor): those with
        last year's plan stored, to compare with."""
        floor = self.catch_up_floor(today)
        return [
            y for y, imported in sorted(imports.items())
            if y - 1 in imports and floor <= self.new_year_day(y, imported) <= today
        ]

    def year_ends_due(self, today: dt.date, years: Iterable[int]) -> list[int]:
        if not self.policy.year_end_summary:
            return []
        floor = self.catch_up_floor(today)
        return [y for y in years if floor <= self.year_end_day(y) <= today]

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
        # report input: N working days before a cut-off that lies up to a week before the report's due date
        ahead = max(ahead, policy.report_input_working_days_before + 5)
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
        a unit nobody would reach still gets its default item listed, with no recipients and the reason,
        so that an operator sees reminders falling into the void. Year-round work and milestones due
        before the plan year are not counted down; nothing is overdue after the plan year.
        """
        local = self.local(now)
        if not self.window_open(local):
            return []
        today = local.date()
        floor = self.catch_up_floor(today)
        people = list(recipients)
        groups = self._groups(now, people)
        default = self.policy.before_due_working_days
        items: dict[str, DueItem] = {}
        inputs: set[tuple[str, str | None, str | None, dt.date | None]] = set()  # one «send your figures» per unit, report and period
        for c in candidates:
            if c.is_report and c.cutoff and c.contributors:
                step = self.input_step(c.cutoff, today, floor)
                if step is not None:
                    for unit_id in c.contributors:
                        if unit_id != c.unit_id and (unit_id, c.report, c.period, c.cutoff) not in inputs:
                            inputs.add((unit_id, c.report, c.period, c.cutoff))
                            self._input(items, c, unit_id, step, groups)
            if not c.remindable:
                continue
            unit_groups = groups.get(c.unit_id)
            if not unit_groups:
                step = self.latest_step(self.steps(c.due, c.is_report, default, c.plan_year), today, floor)
                if step is not None:
                    self._item(items, c, step)
                continue
            for offsets, (reachable, unreachable) in unit_groups.items():
                step = self.latest_step(self.steps(c.due, c.is_report, offsets, c.plan_year), today, floor)
                if step is None:
                    continue
                item = self._item(items, c, step)
                item.recipients.extend(reachable)
                item.unreachable.extend(unreachable)
        result = list(items.values())
        self.explain(result, people, now)
        return result

    def _input(self, items: dict[str, DueItem], c: Candidate, unit_id: str, step: Step, groups: Groups) -> None:
        key = input_key(unit_id, c)
        if key in items:
            return
        item = items[key] = DueItem(
            key=key, kind=REPORT_INPUT, unit_id=unit_id, offset=step.offset, due=c.cutoff,
            task_number=c.task_number, label=c.label, candidate=c,
        )
        reachable, unreachable = self.everyone(groups, unit_id)
        item.recipients.extend(reachable)
        item.unreachable.extend(unreachable)

    def _item(self, items: dict[str, DueItem], c: Candidate, step: Step) -> DueItem:
        key = item_key(c, step)
        item = items.get(key)
        if item is None:
            item = items[key] = DueItem(
                key=key, kind=step.kind, unit_id=c.unit_id, offset=step.offset, due=c.due,
                task_number=c.task_number, label=c.label, candidate=c,
            )
        return item

    @staticmethod
    def everyone(groups: Groups, unit_id: str) -> tuple[list[int], list[int]]:
        """Everyone who receives a unit's items, whatever their own schedule."""
        reachable: list[int] = []
        unreachable: list[int] = []
        for r, u in groups.get(unit_id, {}).values():
            reachable.extend(x for x in r if x not in reachable)
            unreachable.extend(x for x in u if x not in unreachable)
        return reachable, unreachable

    def receivers(self, now: dt.datetime, recipients: Iterable[Recipient]) -> dict[str, tuple[list[int], list[int]]]:
        """unit → (reachable, unreachable) user ids of whoever receives its reminders now."""
        groups = self._groups(now, recipients)
        return {unit: self.everyone(groups, unit) for unit in groups}

    def _groups(
        self, now: dt.datetime, recipients: Iterable[Recipient]
    ) -> Groups:
        """unit → offsets → (reachable user ids, unreachable user ids) of the people who want items now;
        a unit with a delegate (units.yaml `reminders_to`) is also served by the delegate's people."""
        groups: dict[str, dict[tuple[int, ...], tuple[list[int], list[int]]]] = defaultdict(dict)
        served_by: dict[tuple[str, str], list[str]] = defaultdict(list)
        for unit_id, (to_unit, role) in self.delegates.items():
            served_by[(to_unit, role)].append(unit_id)
        for r in recipients:
            if r.paused(now):
                continue
            targets = [r.unit_id] if r.wants_items(self.policy) else []
            if r.wants_delegated():
                targets += [u for u in served_by.get((r.unit_id, r.role), []) if u not in targets]
            offsets = self.policy.offsets_for(r.days_before)
            for unit_id in targets:
                reachable, unreachable = groups[unit_id].setdefault(offsets, ([], []))
                (reachable if r.channels else unreachable).append(r.user_id)
        return groups

    def explain(self, items: Iterable[DueItem], recipients: Iterable[Recipient], now: dt.datetime) -> None:
        """Set `unreachable_reason` on every item that reaches nobody."""
        people = list(recipients)
        cache: dict[str, str] = {}
        for item in items:
            if item.recipients:
                continue
            unit = item.unit_id or "*"
            if unit not in cache:
                cache[unit] = self.reason(item.unit_id, people, now)
            item.unreachable_reason = cache[unit]

    def reason(self, unit_id: str | None, people: list[Recipient], now: dt.datetime) -> str:
        if unit_id is None:  # the coordinators' overview / department year-end list
            mine = [r for r in people if r.role == "coordinator"]
            wanted = [r for r in mine if r.wants_overview(self.policy)]
        else:
            delegate = self.delegates.get(unit_id)
            mine = [r for r in people if r.unit_id == unit_id and r.role in ("head", "officer")]
            wanted = [r for r in mine if r.wants_items(self.policy)]
            if delegate is not None:
                theirs = [r for r in people if (r.unit_id, r.role) == delegate]
                if not mine and not theirs:
                    return NO_DELEGATE
                mine += theirs
                wanted += [r for r in theirs if r.wants_delegated()]
        if not mine:
            return NO_HEAD
        if not wanted:
            return OPTED_OUT
        awake = [r for r in wanted if not r.paused(now)]
        if not awake:
            return SNOOZED
        return UNREACHABLE

