"""One look at the data: what is due at an instant, for whom, and how to reach them.

Reads rows through the unit of work and lets the domain decide: the planner (`domain.reminders.planner`)
the milestone countdowns, and here, around it, the year-round check-ins with the targets still missing
figures, the year-end summaries and the weekly digests and overview. The wording of the items that are
not one milestone («Tổng hợp tuần», «Tổng kết năm …») comes from the injected `labels` (presentation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from domain.plan import YEAR_ROUND
from domain.plan_diff import diff_plans
from domain.reminders.digest import WeekSummary, WeekWindow, week_summaries
from domain.reminders.model import (
    CHECKIN,
    DIGEST,
    NEW_YEAR,
    OVERVIEW,
    TARGETS,
    YEAR_END,
    Candidate,
    DueItem,
    MilestoneRow,
    Recipient,
    Route,
    before_plan,
    checkin_key,
    digest_key,
    new_year_key,
    overview_key,
    person_key,
    targets_key,
    year_end_key,
)
from domain.reminders.people import audience, digest_people
from domain.reminders.planner import Planner
from domain.reminders.policy import ReminderPolicy
from domain.reminders.scopes import unassigned_scoped
from domain.reminders.targets import TargetRow, missing_targets, responsible_units
from domain.reporting import ReportingCalendar
from domain.targets import section_targets
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from services.plan_service import plan_outlines
from services.reminders.delivery import DeliveryEngine
from storage.repositories.reminders import ReminderRepository
from storage.uow import UnitOfWork, UnitOfWorkFactory

OVERVIEW_TASKS = 8  # task numbers shown per unit in the coordinators' overview
Receivers = dict[str, tuple[list[int], list[int]]]


class Labels(Protocol):
    """The name of an item that is not one milestone (presentation code, injected)."""

    def __call__(self, item: DueItem) -> str: ...


@dataclass
class Planned:
    """What one look at the data found: the items due, the people, how to reach each person, and the
    empty digests to settle without a message."""

    items: list[DueItem] = field(default_factory=list)
    people: dict[int, Recipient] = field(default_factory=dict)
    routes: dict[int, list[Route]] = field(default_factory=dict)
    quiet: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Look:
    """The state of one planning pass, shared by the kinds of reminder it collects."""

    repo: ReminderRepository
    now: dt.datetime
    today: dt.date
    recipients: list[Recipient]
    receivers: Receivers
    excluded: set[int]
    dry_run: bool
    planned: Planned
    week_rows: dict[tuple[str, ...] | None, list[MilestoneRow]] = field(default_factory=dict)

    def reach(self, unit_id: str, people: Sequence[int] | None = None) -> tuple[list[int], list[int]]:
        reachable, unreachable = self.receivers.get(unit_id, ([], []))
        if people is None:
            return list(reachable), list(unreachable)
        return [u for u in reachable if u in people], [u for u in unreachable if u in people]


def split(people: Sequence[Recipient]) -> tuple[list[int], list[int]]:
    """(reachable, unreachable) user ids."""
    return [r.user_id for r in people if r.channels], [r.user_id for r in people if not r.channels]


class ReminderPlanning:
    def __init__(self, uow: UnitOfWorkFactory, planner: Planner, policy: ReminderPolicy, units: UnitDirectory,
                 reporting: ReportingCalendar, workdays: WorkingCalendar, engine: DeliveryEngine,
                 labels: Labels) -> None:
        self.uow = uow
        self.planner = planner
        self.policy = policy
        self.units = units
        self.reporting = reporting
        self.workdays = workdays
        self.engine = engine
        self.labels = labels

    def coordinators(self, look: Look) -> list[Recipient]:
        return [r for r in look.recipients if r.wants_overview(self.policy) and not r.paused(look.now)]

    def add(self, look: Look, item: DueItem) -> None:
        item.label = self.labels(item)
        look.planned.items.append(item)

    async def plan(self, now: dt.datetime, *, channels: Sequence[str] | None, dry_run: bool) -> Planned:
        planned = Planned()
        if not self.planner.window_open(now):
            return planned
        today = self.planner.local(now).date()
        self.engine.new_day(today)
        async with self.uow() as uow:
            repo = uow.reminders
            reached = audience(await repo.people(), channels)
            recipients = reached.recipients
            planned.people = {r.user_id: r for r in recipients}
            planned.routes = reached.routes
            excluded = unassigned_scoped(await repo.scoped_leads(), await repo.scope_assignments())
            extra = {r.days_before for r in recipients if r.days_before}
            lo, hi = self.planner.candidate_window(today, extra)
            candidates = await self._candidates(repo, lo, hi, excluded)
            planned.items = self.planner.plan(now, candidates, recipients)
            look = Look(repo, now, today, recipients, self.planner.receivers(now, recipients), excluded, dry_run,
                        planned)
            years = await repo.plan_years()
            await self._checkins(look, years)
            await self._missing_targets(uow, look, years)
            await self._year_end(look, years)
            await self._new_year(uow, look, await repo.plan_imports())
            week = self.planner.digest_due(now)
            if week is not None:
                await self._weekly(look, week)
        self.planner.explain(planned.items, recipients, now)
        return planned

    async def _candidates(self, repo: ReminderRepository, lo: dt.date, hi: dt.date, excluded: set[int]) -> list[Candidate]:
        """The open milestones due in [lo, hi] that are reminded; a consolidated report with the units
        that feed it (read for those few only) and its cut-off."""
        rows = [r for r in await repo.milestones_due(lo, hi) if r.open and r.lead_id not in excluded]
        feeding = await repo.coordinating(sorted({r.assignment_id for r in rows if r.consolidated}))
        out = []
        for row in rows:
            if row.consolidated:
                row = row._replace(coordinating=feeding.get(row.assignment_id, ()))
            out.append(self._with_cutoff(row.planning_candidate()))
        return out

    def _with_cutoff(self, c: Candidate) -> Candidate:
        if not (c.is_report and c.report and c.period and c.contributors):
            return c
        date = self.reporting.date(c.report, c.period, c.due.year)
        return replace(c, cutoff=date.cutoff) if date is not None and date.cutoff else replace(c, contributors=())

    def checkin_cutoffs(self, years: Sequence[int]) -> list[dt.date]:
        report = self.policy.checkin_report
        dates = (self.reporting.date(report, period, year) for year in years for period in self.reporting.periods(report))
        return sorted(d.cutoff for d in dates if d is not None and d.cutoff is not None)

    def _period_of(self, cutoff: dt.date) -> str | None:
        """The period of the check-in report whose cut-off this is."""
        report = self.policy.checkin_report
        return next((p for p in self.reporting.periods(report)
                     if (d := self.reporting.date(report, p, cutoff.year)) and d.cutoff == cutoff), None)

    async def _open_shares(self, look: Look, year: int, *, kinds: Sequence[str] | None = None,
                           dated: bool = False) -> dict[str, list[Candidate]]:
        """Per unit, the open milestones of the plan of `year`, in the plan's order; those due before the
        plan year (what the plan itself fulfils) and unassigned scoped shares are left out."""
        result: dict[str, list[Candidate]] = {}
        for row in await look.repo.plan_milestones(year, kinds=kinds, dated=dated):
            if row.open and not before_plan(row.due, year) and row.lead_id not in look.excluded:
                result.setdefault(row.unit_id, []).append(row.listed_candidate(dt.date(year, 12, 31)))
        return result

    async def _checkins(self, look: Look, years: list[int]) -> None:
        """Year-round work: one check-in per unit before each report cut-off, listing its «việc thường xuyên»."""
        for cutoff in self.planner.checkins_due(look.today, self.checkin_cutoffs(years)):
            shares = await self._open_shares(look, cutoff.year, kinds=[YEAR_ROUND])
            period = self._period_of(cutoff)
            for unit_id, mine in sorted(shares.items()):
                reachable, unreachable = look.reach(unit_id)
                self.add(look, DueItem(
                    key=checkin_key(unit_id, cutoff), kind=CHECKIN, unit_id=unit_id,
                    offset=self.policy.checkin_working_days_before, due=cutoff, period=period,
                    content=mine, recipients=reachable, unreachable=unreachable,
                ))

    async def _target_rows(self, uow: UnitOfWork, plan_id: int, period: str) -> list[TargetRow]:
        stored = await uow.targets.targets(plan_id)
        if stored:
            reported = {f.target_id for f, _ in await uow.targets.figures(plan_id, period=period)}
            return [TargetRow(t.section_number, t.code, t.short_name, t.goal, t.id in reported) for t in stored]
        # a plan imported before targets were stored: nothing can have been reported for them
        return [TargetRow(t.section, t.code, t.short_name, t.goal, False)
                for s in await uow.plans.sections(plan_id) for t in section_targets(s.number, list(s.targets or []))]

    async def _missing_targets(self, uow: UnitOfWork, look: Look, years: list[int]) -> None:
        """On a check-in's day (the pre-cut-off check-in, `checkin_working_days_before` working days before
        each cut-off of the CCHC report, which states the targets' figures), the plan's targets with no
        figure for that period ride in the same message: each unit leading tasks of an area by name gets
        that area's missing targets (`domain.reminders.targets.responsible_units` says why those units),
        the coordinators the count of all of them. Read at every tick: a figure reported since is not
        asked for again. Heads report figures, officers only read them: only heads are asked."""
        for cutoff in self.planner.checkins_due(look.today, self.checkin_cutoffs(years)):
            period = self._period_of(cutoff)
            plan = await uow.plans.plan_by_year(cutoff.year)
            if period is None or plan is None:
                continue
            rows = await self._target_rows(uow, plan.id, period)
            areas = responsible_units(await look.repo.section_leads(cutoff.year),
                                      self.units.members_of_kinds(("internal",)),
                                      self.units.members_of_kinds(("leadership", "desk", "external")))
            everything, by_unit = missing_targets(rows, areas)
            if not everything.targets:
                continue
            heads = {r.user_id for r in look.recipients if r.role == "head"}
            for unit_id, mine in sorted(by_unit.items()):
                reachable, unreachable = look.reach(unit_id, list(heads))
                self.add(look, DueItem(
                    key=targets_key(unit_id, cutoff), kind=TARGETS, unit_id=unit_id, offset=None, due=cutoff,
                    period=period, content=replace(everything, period=period, targets=tuple(mine)),
                    recipients=reachable, unreachable=unreachable,
                ))
            reachable, unreachable = split(self.coordinators(look))
            self.add(look, DueItem(
                key=targets_key(None, cutoff), kind=TARGETS, unit_id=None, offset=None, due=cutoff, period=period,
                content=replace(everything, period=period), recipients=reachable, unreachable=unreachable,
            ))

    async def _new_year(self, uow: UnitOfWork, look: Look, imports: dict[int, dt.datetime]) -> None:
        """The first working day after a new year's plan is imported: each unit leading work in it hears
        what is new for it (tasks added, removed, changed, renumbered: `domain.plan_diff`), once."""
        days = {year: self._local_day(at) for year, at in imports.items()}
        for year in self.planner.new_years_due(look.today, days):
            old, new = await plan_outlines(uow, year - 1), await plan_outlines(uow, year)
            if old is None or new is None:
                continue
            diff = diff_plans(year - 1, old, year, new)
            due = self.planner.new_year_day(year, days[year])
            for unit_id in sorted({u for t in (*old, *new) for u in t.leads if self.units.get(u) is not None}):
                reachable, unreachable = look.reach(unit_id)
                self.add(look, DueItem(
                    key=new_year_key(unit_id, year), kind=NEW_YEAR, unit_id=unit_id, offset=None, due=due,
                    content=diff, recipients=reachable, unreachable=unreachable,
                ))

    def _local_day(self, at: dt.datetime) -> dt.date:
        """The local day of a stored time (naive: UTC, as the database keeps `imported_at`)."""
        return self.planner.local(at if at.tzinfo else at.replace(tzinfo=dt.UTC)).date()

    async def _year_end(self, look: Look, years: list[int]) -> None:
        """The first working day after a plan year: what stayed open, per unit and for the department."""
        for year in self.planner.year_ends_due(look.today, years):
            shares = await self._open_shares(look, year, dated=True)
            for unit_id, mine in sorted(shares.items()):
                reachable, unreachable = look.reach(unit_id)
                self.add(look, DueItem(
                    key=year_end_key(unit_id, year), kind=YEAR_END, unit_id=unit_id, offset=None,
                    due=dt.date(year, 12, 31), content=mine, recipients=reachable, unreachable=unreachable,
                ))
            reachable, unreachable = split(self.coordinators(look))
            self.add(look, DueItem(
                key=year_end_key(None, year), kind=YEAR_END, unit_id=None, offset=None, due=dt.date(year, 12, 31),
                content=shares, recipients=reachable, unreachable=unreachable,
            ))

    async def _week_rows(self, look: Look, window: WeekWindow, units: Sequence[str] | None) -> list[MilestoneRow]:
        """The rows a week's digests or overview count (without text), fetched once per pass and scope."""
        scope = tuple(units) if units is not None else None
        if scope not in look.week_rows:
            repo = look.repo
            rows = await repo.milestone_states(window.fetch_from, window.routine_until, units, kinds=[YEAR_ROUND])
            rows += await repo.milestone_states(window.fetch_from, window.dated_until, units, kinds=[YEAR_ROUND],
                                                other_kinds=True)
            look.week_rows[scope] = [r for r in rows if r.lead_id not in look.excluded]
        return look.week_rows[scope]

    async def _with_text(self, look: Look, summaries: dict[str, WeekSummary]) -> dict[str, WeekSummary]:
        """Read the task, milestone and status of the few milestones the summaries list."""
        listed = [c for s in summaries.values() for items in s.items.values() for c in items]
        if listed:
            current = await look.repo.current([(c.lead_id, c.milestone_id) for c in listed])
            for summary in summaries.values():
                for name, items in summary.items.items():
                    summary.items[name] = [current[(c.lead_id, c.milestone_id)].listed_candidate() for c in items]
        return summaries

    async def _weekly(self, look: Look, week: dt.date) -> None:
        """This week's digests (unit heads) and overview (coordinators). Content is read only while some
        digest is still pending; an empty one is settled without a message, so the week's later ticks
        cost one ledger lookup."""
        heads = digest_people(look.recipients, self.policy, self.planner.delegates, look.now)
        coordinators = self.coordinators(look)
        overview = overview_key(week)
        keys = [person_key(digest_key(u, week), r.user_id) for u, rs in heads.items() for r in rs]
        keys += [person_key(overview, r.user_id) for r in coordinators]
        pending = set(await self.engine.unsettled(keys))

        def quiet(key: str, unit_id: str | None, people: list[Recipient]) -> None:
            look.planned.quiet.extend(
                {"key": person_key(key, r.user_id), "kind": DIGEST, "unit_id": unit_id, "user_id": r.user_id,
                 "due": week}
                for r in people if person_key(key, r.user_id) in pending
            )

        units = {u for u, rs in heads.items() if any(person_key(digest_key(u, week), r.user_id) in pending for r in rs)}
        if look.dry_run:
            units |= set(await look.repo.units_with_leads()) - set(heads)
        window = self._window(look, week, look.today + dt.timedelta(days=self.policy.digest.upcoming_report_days))
        await self._digests(look, window, units, heads, quiet)
        if any(person_key(overview, r.user_id) in pending for r in coordinators) or (look.dry_run and not coordinators):
            await self._overview(look, window, coordinators, quiet)

    def _window(self, look: Look, week: dt.date, report_until: dt.date) -> WeekWindow:
        # lateness counts from the working day a deadline is really due: a day off before the week's first
        # working day (a Monday holiday) belongs to the week before, so it is overdue, not «this week»
        return WeekWindow(week, self.workdays.next_working_day(week), look.today, report_until)

    async def _digests(self, look: Look, window: WeekWindow, units: set[str], heads: dict[str, list[Recipient]],
                       quiet: Callable[[str, str | None, list[Recipient]], None]) -> None:
        policy, week = self.policy.digest, window.week
        # A dry run over many units needs to know what is empty, not every line of every digest.
        limit = 0 if look.dry_run and len(units) > 50 else max(policy.max_items, policy.max_overdue)
        summaries: dict[str, WeekSummary] = {}
        if units:
            # Many units: one pass over everything beats a long IN list (and the dry run wants them all).
            scope = None if look.dry_run or len(units) > 200 else sorted(units)
            rows = await self._week_rows(look, window, scope)
            summaries = await self._with_text(look, week_summaries(rows, window, self.workdays, limit=limit))
        for unit_id in sorted(units):
            summary = summaries.get(unit_id) or WeekSummary(week)
            people = heads.get(unit_id, [])
            if summary.empty and policy.skip_empty:
                quiet(digest_key(unit_id, week), unit_id, people)
                continue
            reachable, unreachable = split(people)
            self.add(look, DueItem(key=digest_key(unit_id, week), kind=DIGEST, unit_id=unit_id, offset=None, due=week,
                                   content=summary, recipients=reachable, unreachable=unreachable))

    async def _overview(self, look: Look, fetched: WeekWindow, coordinators: list[Recipient],
                        quiet: Callable[[str, str | None, list[Recipient]], None]) -> None:
        """The coordinators' week: what is overdue and due this week, per unit (no reports ahead). Counted
        over the digests' rows (`fetched`, a wider window) when they were read for every unit."""
        week = fetched.week
        window = self._window(look, week, week)
        rows = await self._week_rows(look, fetched, None)
        by_unit = await self._with_text(
            look, week_summaries(rows, window, self.workdays, limit=0 if look.dry_run else OVERVIEW_TASKS))
        if not any(s.total("overdue") or s.total("week") for s in by_unit.values()) and self.policy.digest.skip_empty:
            quiet(overview_key(week), None, coordinators)
            return
        reachable, unreachable = split(coordinators)
        self.add(look, DueItem(key=overview_key(week), kind=OVERVIEW, unit_id=None, offset=None, due=week,
                               content=by_unit, recipients=reachable, unreachable=unreachable))
