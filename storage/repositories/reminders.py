"""SQL of the reminder engine: candidates by date window, recipients, and the delivery ledger.

The ledger (`reminder_deliveries`) is what makes delivery exactly-once across processes: a row is
inserted (unique `key`) in its own committed transaction BEFORE the message is sent, and every later
state change is a conditional UPDATE that only the current claimant (its `claimed_by` token) can make.
Statements are plain SQL that SQLite and PostgreSQL both run (INSERT … ON CONFLICT DO NOTHING
RETURNING exists in SQLite ≥ 3.35).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import ARRAY, String, and_, any_, bindparam, case, delete, extract, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.plan import PERIODIC_REPORT, YEAR_ROUND, milestone_done
from domain.reminders import LATE, REPORTS, ROUTINE, WEEK, Candidate, Recipient, WeekSummary
from domain.shares import Status
from domain.units import UnitDirectory
from storage.models import (
    Assignment,
    AssignmentLead,
    Identity,
    Milestone,
    Plan,
    ReminderDelivery,
    ReminderScope,
    Task,
    User,
)
from storage.repositories.dialect import dialect_name, rowcount
from storage.repositories.dialect import insert as dialect_insert
from storage.repositories.plans import PlanRepository

CHUNK = 2000  # keys per IN (...) lookup on SQLite; well under its variable limit


@dataclass(frozen=True)
class LedgerRow:
    id: int
    key: str
    state: str
    attempts: int
    claimed_by: str | None
    claimed_at: dt.datetime | None
    next_attempt_at: dt.datetime | None


@dataclass(frozen=True)
class Channel:
    identity_id: int
    channel: str
    chat_id: str


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    attempts: int


@dataclass(frozen=True)
class PersonSettings:
    """A person's reminder settings as stored (read model of `users`)."""

    user_id: int
    unit_id: str
    role: str
    reminders_enabled: bool | None
    remind_days_before: int | None
    snoozed_until: dt.datetime | None


SETTINGS = ("reminders_enabled", "remind_days_before", "snoozed_until")


def open_milestone() -> tuple:
    """SQL for «this (share, milestone) is not done»: the share is not done, and it has not been done
    up to the milestone's date (services.views.milestone_done says the same in Python)."""
    return (
        AssignmentLead.status != Status.DONE,
        or_(AssignmentLead.done_through.is_(None), Milestone.due > AssignmentLead.done_through),
    )


def _settings(user: User) -> PersonSettings:
    return PersonSettings(user.id, user.unit_id, user.role, user.reminders_enabled, user.remind_days_before,
                          user.snoozed_until)


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return dialect_name(self.session)

    # -- scoped collective shares -----------------------------------------------------------------------
    async def unassigned_scoped_leads(self) -> set[int]:
        """Shares of a scoped collective lead («Các phòng, đơn vị … được giao») whose unit no coordinator
        has assigned: they are not reminded (issue 11). A scoped assignment with one lead (task 5's
        «Trung tâm KC&XTTM: thực hiện báo cáo năm») is a restriction, reminded as usual."""
        rows = (
            await self.session.execute(
                select(AssignmentLead.id, AssignmentLead.unit_id, Assignment.id, Assignment.lead)
                .join(Assignment, Assignment.id == AssignmentLead.assignment_id)
                .where(Assignment.scope.is_not(None))
            )
        ).all()
        collective = [r for r in rows if len(r[3] or []) > 1]
        if not collective:
            return set()
        assigned = set(
            tuple(r) for r in (await self.session.execute(select(ReminderScope.assignment_id, ReminderScope.unit_id))).all()
        )
        return {r[0] for r in collective if (r[2], r[1]) not in assigned}

    async def scoped_assignments(self, task_number: int, year: int | None = None) -> list[tuple[int, list[str], str]]:
        """(assignment id, lead units, scope) of the task's scoped collective rows (latest plan by default)."""
        query = (
            select(Assignment.id, Assignment.lead, Assignment.scope, Plan.year)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Task.number == task_number, Assignment.scope.is_not(None))
            .order_by(Plan.year.desc(), Assignment.position)
        )
        if year is not None:
            query = query.where(Plan.year == year)
        rows = [r for r in (await self.session.execute(query)).all() if len(r[1] or []) > 1]
        if rows and year is None:
            rows = [r for r in rows if r[3] == rows[0][3]]
        return [(r[0], list(r[1]), r[2]) for r in rows]

    async def assign_scope(self, assignment_id: int, unit_ids: Sequence[str], user_id: int | None) -> None:
        """Replace which units a scoped share concerns."""
        await self.session.execute(delete(ReminderScope).where(ReminderScope.assignment_id == assignment_id))
        self.session.add_all(
            ReminderScope(assignment_id=assignment_id, unit_id=u, assigned_by=user_id) for u in unit_ids
        )
        await self.session.flush()

    async def assigned_units(self, assignment_id: int) -> list[str]:
        rows = await self.session.scalars(
            select(ReminderScope.unit_id).where(ReminderScope.assignment_id == assignment_id).order_by(ReminderScope.id)
        )
        return list(rows.all())

    async def plan_years(self) -> list[int]:
        return sorted((await self.session.scalars(select(Plan.year))).all())

    async def section_leads(self, year: int) -> list[tuple[int, list[str]]]:
        """(reform area, lead units) of every appendix row of the plan of `year` (who answers for an
        area's targets: `domain.reminders.responsible_units`)."""
        query = (
            select(Task.section_number, Assignment.lead)
            .select_from(Assignment)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Plan.year == year)
            .order_by(Task.number, Assignment.position)
        )
        return [(section, list(lead or [])) for section, lead in (await self.session.execute(query)).all()]

    # -- what could be due ----------------------------------------------------------------------------
    async def candidates(self, lo: dt.date, hi: dt.date, excluded: Sequence[int] = ()) -> list[Candidate]:
        """Not-done (lead, milestone) pairs whose deadline lies in [lo, hi] — the index on
        `milestones.due` narrows 100,000 rows to the few thousand a tick can act on. Only what planning
        needs (no text): what a message says is read by `details` for the few that go out.
        `excluded`: lead ids not to remind (unassigned scoped shares)."""
        query = (
            select(AssignmentLead.id, AssignmentLead.unit_id, Milestone.id, Milestone.kind, Milestone.due,
                   Task.plan_id, Milestone.report, Milestone.period,
                   # contributors of a consolidated report: its coordinating units (not for a unit's own
                   # restricted share, such as the Trung tâm's annual report of task 5)
                   case((and_(Milestone.kind == PERIODIC_REPORT, Assignment.scope.is_(None)), Assignment.coordinating),
                        else_=None))
            .select_from(Milestone)
            .join(AssignmentLead, AssignmentLead.assignment_id == Milestone.assignment_id)
            .join(Assignment, Assignment.id == Milestone.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Milestone.due >= lo, Milestone.due <= hi, *open_milestone())
        )
        if excluded:
            query = query.where(AssignmentLead.id.not_in(list(excluded)))
        rows = (await self.session.execute(query)).all()
        years = {r[0]: r[1] for r in (await self.session.execute(select(Plan.id, Plan.year))).all()}
        return [Candidate(lead_id=r[0], unit_id=r[1], milestone_id=r[2], milestone_kind=r[3], label="", due=r[4],
                          task_number=0, plan_year=years.get(r[5], 0), report=r[6], period=r[7],
                          contributors=tuple(r[8] or ()))
                for r in rows]

    async def open_shares(
        self, year: int, excluded: Sequence[int] = (), *, kinds: Sequence[str] | None = None, dated: bool = False
    ) -> dict[str, list[Candidate]]:
        """Per unit, the not-done milestones of the plan of `year` (check-ins: year-round ones; year-end
        summary: everything the plan still had open), ordered by task. Milestones due before the plan year
        (what the plan itself fulfils) are left out."""
        query = (
            select(
                AssignmentLead.id, AssignmentLead.unit_id, Milestone.id, Milestone.kind, Milestone.label,
                Milestone.due, Task.number, Task.title, AssignmentLead.status, AssignmentLead.percent,
                Assignment.scope,
            )
            .select_from(Milestone)
            .join(AssignmentLead, AssignmentLead.assignment_id == Milestone.assignment_id)
            .join(Assignment, Assignment.id == Milestone.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Plan.year == year, *open_milestone(),
                   or_(Milestone.due.is_(None), extract("year", Milestone.due) >= year))
            .order_by(Task.number, Assignment.position, Milestone.position, AssignmentLead.id)
        )
        if kinds is not None:
            query = query.where(Milestone.kind.in_(list(kinds)))
        if dated:
            query = query.where(Milestone.due.is_not(None))
        if excluded:
            query = query.where(AssignmentLead.id.not_in(list(excluded)))
        result: dict[str, list[Candidate]] = {}
        for r in (await self.session.execute(query)).all():
            result.setdefault(r[1], []).append(Candidate(
                lead_id=r[0], unit_id=r[1], milestone_id=r[2], milestone_kind=r[3], label=r[4],
                due=r[5] or dt.date(year, 12, 31), task_number=r[6], task_title=r[7], status=r[8], percent=r[9],
                plan_year=year, scope=r[10],
            ))
        return result

    async def details(self, pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], Candidate]:
        """Task number and title, milestone label, current status of (lead id, milestone id) pairs."""
        found: dict[tuple[int, int], Candidate] = {}
        wanted = set(pairs)
        leads = sorted({lead for lead, _ in wanted})
        query = (
            select(
                AssignmentLead.id, AssignmentLead.unit_id, Milestone.id, Milestone.kind, Milestone.label,
                Milestone.due, Task.number, AssignmentLead.status, AssignmentLead.percent, Task.title,
                AssignmentLead.done_through, Plan.year, Assignment.scope, Milestone.report, Milestone.period,
            )
            .select_from(AssignmentLead)
            .join(Milestone, Milestone.assignment_id == AssignmentLead.assignment_id)
            .join(Assignment, Assignment.id == AssignmentLead.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(AssignmentLead.id.in_(bindparam("leads", expanding=True)), Milestone.due.is_not(None))
        )
        for start in range(0, len(leads), CHUNK):  # a share has a handful of milestones: filter in Python
            for r in (await self.session.execute(query, {"leads": leads[start : start + CHUNK]})).all():
                due = r[5]  # never None: the query asks for dated milestones
                if (r[0], r[2]) in wanted and due is not None:
                    found[(r[0], r[2])] = Candidate(
                        lead_id=r[0], unit_id=r[1], milestone_id=r[2], milestone_kind=r[3], label=r[4],
                        due=due, task_number=r[6], status=Status.DONE if milestone_done(r[7], r[10], due) else r[7],
                        percent=r[8], task_title=r[9], plan_year=r[11], scope=r[12], report=r[13], period=r[14],
                    )
        return found

    async def done_leads(self, lead_ids: Sequence[int]) -> set[int]:
        if not lead_ids:
            return set()
        rows = await self.session.scalars(
            select(AssignmentLead.id).where(AssignmentLead.id.in_(list(lead_ids)), AssignmentLead.status == Status.DONE)
        )
        return set(rows.all())

    async def units_with_leads(self) -> list[str]:
        return list((await self.session.scalars(select(AssignmentLead.unit_id).distinct())).all())

    # -- who ------------------------------------------------------------------------------------------
    async def recipients(self, channels: Iterable[str] | None = None) -> tuple[list[Recipient], dict[int, list[Channel]]]:
        """Every active person with their reachable channels (preferred channel first). `channels`
        limits to the senders actually running; None = any channel (dry run)."""
        rows = (
            await self.session.execute(
                select(
                    User.id, User.unit_id, User.role, User.reminders_enabled, User.remind_days_before,
                    User.snoozed_until, User.preferred_channel, Identity.id, Identity.channel, Identity.chat_id,
                    Identity.reachable,
                )
                .outerjoin(Identity, Identity.user_id == User.id)
                .where(User.active.is_(True))
                .order_by(User.id, Identity.id)
            )
        ).all()
        allowed = set(channels) if channels is not None else None
        people: dict[int, tuple[Any, ...]] = {}
        routes: dict[int, list[Channel]] = {}
        for r in rows:
            people.setdefault(r[0], tuple(r))
            identity_id, channel, chat_id = r[7], r[8], r[9]
            if identity_id is not None and r[10] and chat_id and (allowed is None or channel in allowed):
                routes.setdefault(r[0], []).append(Channel(identity_id, channel, chat_id))
        order = {"telegram": 0, "zalo": 1, "console": 2}
        recipients = []
        for uid, person in people.items():
            mine = routes.get(uid, [])
            mine.sort(key=partial(_route_order, preferred=person[6], order=order))
            recipients.append(
                Recipient(
                    user_id=uid, unit_id=person[1], role=person[2], enabled=person[3], days_before=person[4],
                    snoozed_until=person[5], channels=tuple(c.channel for c in mine),
                )
            )
        return recipients, routes

    async def mark_unreachable(self, identity_id: int) -> None:
        await self.session.execute(update(Identity).where(Identity.id == identity_id).values(reachable=False))

    # -- digests --------------------------------------------------------------------------------------
    async def week_summaries(
        self, week: dt.date, report_until: dt.date, units: Sequence[str] | None, *, limit: int,
        today: dt.date | None = None, excluded: Sequence[int] = (), late_before: dt.date | None = None,
    ) -> dict[str, WeekSummary]:
        """Per unit: not-done milestones due this week, overdue (before this week; newest first) and
        periodic reports due after this week up to `report_until`, and the count of year-round work
        («việc thường xuyên») — counted in SQL, the first `limit` of each listed (ROW_NUMBER), so a
        national-scale Monday never loads every open row. limit=0: counts only.

        Only plans whose year has not ended by `today` count (the plan year closes), and milestones due
        before their plan's year are what the plan itself fulfils: never overdue.

        `late_before`: the week's first working day (default: `week`). A deadline on a day off before it
        (a Monday holiday) was really due the working day before the week: overdue, as the one overdue
        rule (`domain.shares.milestone_overdue`) counts it."""
        end = week + dt.timedelta(days=6)
        today = today or week
        late_before = late_before or week
        section = case(
            (Milestone.kind == YEAR_ROUND, ROUTINE), (Milestone.due < late_before, LATE), (Milestone.due <= end, WEEK),
            else_=REPORTS,
        )
        # Plans are yearly: from 1 January of today's year on, what is due belongs to an open plan year,
        # and what lies before it is either a closed year's or what the current plan itself fulfilled
        # (its «Tháng 12» of the year before). One date bound says both, with no join to the plan.
        year_start = dt.date(today.year, 1, 1)
        where = [
            *open_milestone(), Milestone.due.is_not(None), Milestone.due >= year_start,
            or_(
                and_(Milestone.kind != YEAR_ROUND, Milestone.due <= end),
                and_(Milestone.kind == PERIODIC_REPORT, Milestone.due <= report_until),
                and_(Milestone.kind == YEAR_ROUND, Milestone.due <= dt.date(today.year, 12, 31)),
            ),
        ]
        if units is not None:
            where.append(AssignmentLead.unit_id.in_(list(units)))
        if excluded:
            where.append(AssignmentLead.id.not_in(list(excluded)))
        joined = (
            select(AssignmentLead.unit_id, section.label("section"), func.count())
            .select_from(Milestone)
            .join(AssignmentLead, AssignmentLead.assignment_id == Milestone.assignment_id)
            .where(*where)
            .group_by(AssignmentLead.unit_id, section)
        )
        result: dict[str, WeekSummary] = {}
        for unit_id, name, count in (await self.session.execute(joined)).all():
            result.setdefault(unit_id, WeekSummary(week)).counts[name] = count
        if limit <= 0 or not result:
            return result
        newest_late = case((Milestone.due < late_before, Milestone.due), else_=None)  # overdue: newest first
        rank = func.row_number().over(
            partition_by=(AssignmentLead.unit_id, section),
            order_by=(newest_late.desc(), Milestone.due, Task.number, AssignmentLead.id),
        )
        inner = (
            select(
                AssignmentLead.id.label("lead_id"), AssignmentLead.unit_id, Milestone.id.label("milestone_id"),
                Milestone.kind, Milestone.label, Milestone.due, Task.number, Task.title, AssignmentLead.status,
                AssignmentLead.percent, Assignment.scope.label("scope"), Plan.year.label("plan_year"),
                section.label("section"), rank.label("rank"),
            )
            .select_from(Milestone)
            .join(AssignmentLead, AssignmentLead.assignment_id == Milestone.assignment_id)
            .join(Assignment, Assignment.id == Milestone.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(*where)
            .subquery()
        )
        rows = (await self.session.execute(select(inner).where(inner.c.rank <= limit))).all()
        for r in rows:
            candidate = Candidate(
                lead_id=r.lead_id, unit_id=r.unit_id, milestone_id=r.milestone_id, milestone_kind=r.kind,
                label=r.label, due=r.due, task_number=r.number, task_title=r.title, status=r.status,
                percent=r.percent, scope=r.scope, plan_year=r.plan_year,
            )
            result[r.unit_id].items.setdefault(r.section, []).append(candidate)
        for summary in result.values():
            for name, items in summary.items.items():
                items.sort(key=lambda c: (c.due, c.task_number, c.lead_id))
                if name == LATE:
                    items.sort(key=lambda c: c.due, reverse=True)
        return result

    # -- the ledger -----------------------------------------------------------------------------------
    async def ledger(self, keys: Sequence[str]) -> dict[str, LedgerRow]:
        found: dict[str, LedgerRow] = {}
        columns = (
            ReminderDelivery.id, ReminderDelivery.key, ReminderDelivery.state, ReminderDelivery.attempts,
            ReminderDelivery.claimed_by, ReminderDelivery.claimed_at, ReminderDelivery.next_attempt_at,
        )
        if self._dialect == "postgresql":  # one array parameter: no per-key SQL to render
            stmt = select(*columns).where(ReminderDelivery.key == any_(bindparam("keys", type_=ARRAY(String))))
            chunk_size = 50_000
        else:
            stmt = select(*columns).where(ReminderDelivery.key.in_(bindparam("keys", expanding=True)))
            chunk_size = CHUNK
        for start in range(0, len(keys), chunk_size):
            chunk = list(keys[start : start + chunk_size])
            for r in (await self.session.execute(stmt, {"keys": chunk})).all():
                found[r[1]] = LedgerRow(*r)
        return found

    async def claim_new(
        self, rows: list[dict], token: str, now: dt.datetime, *, state: str = "claimed", error: str | None = None
    ) -> list[Claimed]:
        """Insert claims; a key someone else holds is silently not ours (ON CONFLICT DO NOTHING)."""
        if not rows:
            return []
        attempts = 1 if state == "claimed" else 0
        values = [
            {"unit_id": None, "user_id": None, "lead_id": None, "milestone_id": None, "due": None, **row,
             "state": state, "attempts": attempts, "claimed_by": token, "claimed_at": now, "error": error,
             "sent_at": now if state == "sent" else None}
            for row in rows
        ]
        # executemany with RETURNING ("insertmanyvalues"): one cached statement, batched VALUES.
        stmt = (
            dialect_insert(self.session)(ReminderDelivery)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(ReminderDelivery.id, ReminderDelivery.key)
        )
        return [Claimed(r[0], r[1], 1) for r in (await self.session.execute(stmt, values)).all()]

    async def record_sent(self, rows: list[dict], token: str, now: dt.datetime) -> None:
        """Record the items a sent message carried (state «sent»): one executemany, no RETURNING."""
        if not rows:
            return
        table = ReminderDelivery.__table__
        values = [
            {"unit_id": None, "user_id": None, "lead_id": None, "milestone_id": None, "due": None, **row,
             "state": "sent", "attempts": 0, "claimed_by": token, "claimed_at": now, "sent_at": now,
             "error": None, "next_attempt_at": None}
            for row in rows
        ]
        await self.session.execute(dialect_insert(self.session)(table).on_conflict_do_nothing(index_elements=["key"]), values)

    async def reclaim(self, row: LedgerRow, token: str, now: dt.datetime, lease_cutoff: dt.datetime) -> Claimed | None:
        """Take over a failed row whose retry time has come, or a claim whose process died (older
        than the lease). The WHERE repeats the condition, so two processes cannot both win."""
        retry = and_(ReminderDelivery.state == "failed", ReminderDelivery.next_attempt_at <= now)
        stale = and_(ReminderDelivery.state == "claimed", ReminderDelivery.claimed_at < lease_cutoff)
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id == row.id, ReminderDelivery.attempts == row.attempts, or_(retry, stale))
            .values(state="claimed", claimed_by=token, claimed_at=now, attempts=row.attempts + 1,
                    next_attempt_at=None)
        )
        return Claimed(row.id, row.key, row.attempts + 1) if rowcount(result) == 1 else None

    async def finish(
        self, delivery_id: int, token: str, *, state: str, now: dt.datetime,
        error: str | None = None, next_attempt_at: dt.datetime | None = None,
    ) -> bool:
        """Record the outcome — only if the claim is still ours (a lease may have been taken over)."""
        values: dict = {"state": state, "error": error, "next_attempt_at": next_attempt_at}
        if state == "sent":
            values["sent_at"] = now
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id == delivery_id, ReminderDelivery.claimed_by == token,
                   ReminderDelivery.state == "claimed")
            .values(**values)
        )
        return rowcount(result) == 1

    async def mark_sent(self, ids: Sequence[int], token: str, now: dt.datetime) -> set[int]:
        """Mark a group of claims sent; returns the ids that were still ours."""
        if not ids:
            return set()
        result = await self.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id.in_(list(ids)), ReminderDelivery.claimed_by == token,
                   ReminderDelivery.state == "claimed")
            .values(state="sent", sent_at=now, error=None, next_attempt_at=None)
            .returning(ReminderDelivery.id)
        )
        return set(result.scalars().all())

    async def delivery_owner(self, delivery_id: int) -> int | None:
        """The person a delivery went to (None: no such delivery, or no person)."""
        return await self.session.scalar(select(ReminderDelivery.user_id).where(ReminderDelivery.id == delivery_id))

    # -- settings -------------------------------------------------------------------------------------
    async def settings(self, user_id: int) -> PersonSettings | None:
        user = await self.session.get(User, user_id)
        return _settings(user) if user is not None else None

    async def update_settings(self, user_id: int, **values) -> PersonSettings | None:
        """Change some of `SETTINGS`; returns the settings as they now are (None: no such person)."""
        unknown = set(values) - set(SETTINGS)
        if unknown:
            raise ValueError(f"not a reminder setting: {sorted(unknown)}")
        user = await self.session.get(User, user_id)
        if user is None:
            return None
        for name, value in values.items():
            setattr(user, name, value)
        await self.session.flush()
        return _settings(user)

    # -- the simulator (on a throw-away copy only) -----------------------------------------------------
    async def channel_names(self) -> list[str]:
        return sorted((await self.session.scalars(select(Identity.channel).distinct())).all())

    async def staff_all(self, units: UnitDirectory) -> None:
        """Give every member unit a registered, reachable person where it has none of that role: a head
        (a leader for the leadership, an officer for a desk) and the Văn phòng a coordinator."""
        await PlanRepository(self.session).sync_units(units)
        have = {tuple(r) for r in (await self.session.execute(select(User.unit_id, User.role).where(User.active.is_(True)))).all()}
        wanted = [(u.id, {"leadership": "leader", "desk": "officer"}.get(u.kind, "head")) for u in units.member_units]
        office = next((u.id for u in units.member_units if u.id == "van-phong"), None)
        if office:
            wanted.append((office, "coordinator"))
        for unit_id, role in wanted:
            if (unit_id, role) in have:
                continue
            user = User(unit_id=unit_id, role=role, display_name=f"({role} {unit_id})")
            self.session.add(user)
            await self.session.flush()
            chat = f"sim-{unit_id}-{role}"
            self.session.add(Identity(user_id=user.id, channel="telegram", external_id=chat, chat_id=chat))
        await self.session.flush()


def _route_order(c: Channel, *, preferred: str | None, order: dict[str, int]) -> tuple[bool, int, int]:
    """A person's channels: the one they prefer, then Telegram, Zalo, the console; then the oldest identity."""
    return (c.channel != preferred, order.get(c.channel, 9), c.identity_id)
