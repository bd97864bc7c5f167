"""SQL of the reminder engine: it fetches rows — milestones by date window or plan, people with their
identities, scoped shares — as plain frozen records, and decides nothing (what is open, overdue, whom to
remind and through which channel are rules of `domain.reminders`). And the delivery ledger.

The ledger (`reminder_deliveries`) is what makes delivery exactly-once across processes: a row is
inserted (unique `key`) in its own committed transaction BEFORE the message is sent, and every later
state change is a conditional UPDATE that only the current claimant (its `claimed_by` token) can make.
Statements are plain SQL that SQLite and PostgreSQL both run (INSERT … ON CONFLICT DO NOTHING
RETURNING exists in SQLite ≥ 3.35).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, Select, String, and_, any_, bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.reminders.model import MilestoneRow, PersonRow
from domain.reminders.scopes import ScopedLead
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
    async def scoped_leads(self) -> list[ScopedLead]:
        """Every unit's share of an assignment that has a scope, with the assignment's lead units."""
        rows = (
            await self.session.execute(
                select(AssignmentLead.id, AssignmentLead.unit_id, Assignment.id, Assignment.lead)
                .join(Assignment, Assignment.id == AssignmentLead.assignment_id)
                .where(Assignment.scope.is_not(None))
            )
        ).all()
        return [ScopedLead(r[0], r[1], r[2], tuple(r[3] or ())) for r in rows]

    async def scope_assignments(self) -> set[tuple[int, str]]:
        """(assignment id, unit) pairs a coordinator assigned a scoped share to."""
        rows = await self.session.execute(select(ReminderScope.assignment_id, ReminderScope.unit_id))
        return {(r[0], r[1]) for r in rows.all()}

    async def scoped_assignments(self, task_number: int) -> list[tuple[int, int, list[str], str]]:
        """(plan year, assignment id, lead units, scope) of the task's scoped rows, newest plan first."""
        query = (
            select(Plan.year, Assignment.id, Assignment.lead, Assignment.scope)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Task.number == task_number, Assignment.scope.is_not(None))
            .order_by(Plan.year.desc(), Assignment.position)
        )
        return [(r[0], r[1], list(r[2] or []), r[3]) for r in (await self.session.execute(query)).all()]

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

    async def plan_imports(self) -> dict[int, dt.datetime]:
        """When each year's plan was (last) imported."""
        return {year: at for year, at in (await self.session.execute(select(Plan.year, Plan.imported_at))).all()}

    async def section_leads(self, year: int) -> list[tuple[int, list[str]]]:
        """(reform area, lead units) of every appendix row of the plan of `year` (who answers for an
        area's targets: `domain.reminders.targets.responsible_units`)."""
        query = (
            select(Task.section_number, Assignment.lead)
            .select_from(Assignment)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Plan.year == year)
            .order_by(Task.number, Assignment.position)
        )
        return [(section, list(lead or [])) for section, lead in (await self.session.execute(query)).all()]

    # -- milestones ----------------------------------------------------------------------------------
    async def milestones_due(self, lo: dt.date, hi: dt.date) -> list[MilestoneRow]:
        """Every (lead, milestone) pair whose deadline lies in [lo, hi] — the index on `milestones.due`
        narrows 100,000 rows to the few thousand a tick can act on. Only what planning needs (no text, no
        coordinating units: `coordinating` reads those for the few reports that need them); what a message
        says is read by `current` for the few that go out."""
        query = (
            select(AssignmentLead.id, AssignmentLead.unit_id, Milestone.id, Milestone.kind, Milestone.due,
                   AssignmentLead.status, AssignmentLead.done_through, Plan.year, Assignment.scope,
                   Milestone.report, Milestone.period, Assignment.id)
            .select_from(Milestone)
            .join(AssignmentLead, AssignmentLead.assignment_id == Milestone.assignment_id)
            .join(Assignment, Assignment.id == Milestone.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Milestone.due >= lo, Milestone.due <= hi)
        )
        return [MilestoneRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], 0, r[7], "", "", None, r[8], r[9], r[10], (),
                             r[11])
                for r in (await self.session.execute(query)).all()]

    async def coordinating(self, assignment_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The coordinating units of these assignments."""
        if not assignment_ids:
            return {}
        rows = await self.session.execute(
            select(Assignment.id, Assignment.coordinating).where(Assignment.id.in_(list(assignment_ids))))
        return {r[0]: tuple(r[1] or ()) for r in rows.all()}

    def _listed(self) -> Select[*tuple[Any, ...]]:
        """The columns a listed milestone needs, in the order `_row` reads them."""
        return (
            select(AssignmentLead.id, AssignmentLead.unit_id, Milestone.id, Milestone.kind, Milestone.due,
                   AssignmentLead.status, AssignmentLead.done_through, Task.number, Plan.year, Milestone.label,
                   Task.title, AssignmentLead.percent, Assignment.scope, Milestone.report, Milestone.period)
            .select_from(Milestone)
            .join(AssignmentLead, AssignmentLead.assignment_id == Milestone.assignment_id)
            .join(Assignment, Assignment.id == Milestone.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Plan, Plan.id == Task.plan_id)
        )

    @staticmethod
    def _row(r: Any) -> MilestoneRow:
        return MilestoneRow(*r)

    async def plan_milestones(self, year: int, *, kinds: Sequence[str] | None = None,
                              dated: bool = False) -> list[MilestoneRow]:
        """Every (lead, milestone) pair of the plan of `year` (`kinds`: only those; `dated`: only dated
        ones), in the plan's order."""
        query = self._listed().where(Plan.year == year).order_by(
            Task.number, Assignment.position, Milestone.position, AssignmentLead.id)
        if kinds is not None:
            query = query.where(Milestone.kind.in_(list(kinds)))
        if dated:
            query = query.where(Milestone.due.is_not(None))
        return [self._row(r) for r in (await self.session.execute(query)).all()]

    async def milestone_states(self, since: dt.date, until: dt.date, units: Sequence[str] | None = None, *,
                               kinds: Sequence[str] = (), other_kinds: bool = False) -> list[MilestoneRow]:
        """Every (lead, milestone) pair due in [since, until], without text (counting needs none):
        `units`: of those units only; `kinds`: of those kinds only, or with `other_kinds` of any other."""
        query = (
            select(AssignmentLead.id, AssignmentLead.unit_id, Milestone.id, Milestone.kind, Milestone.due,
                   AssignmentLead.status, AssignmentLead.done_through, Task.number)
            .select_from(Milestone)
            .join(AssignmentLead, AssignmentLead.assignment_id == Milestone.assignment_id)
            .join(Assignment, Assignment.id == Milestone.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Milestone.due >= since, Milestone.due <= until)
        )
        if units is not None:
            query = query.where(AssignmentLead.unit_id.in_(list(units)))
        if kinds:
            query = query.where(Milestone.kind.not_in(list(kinds)) if other_kinds else Milestone.kind.in_(list(kinds)))
        return [MilestoneRow(*r) for r in (await self.session.execute(query)).all()]

    async def current(self, pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], MilestoneRow]:
        """(lead id, milestone id) pairs as they stand now, with their text (dated milestones only)."""
        found: dict[tuple[int, int], MilestoneRow] = {}
        wanted = set(pairs)
        leads = sorted({lead for lead, _ in wanted})
        query = self._listed().where(AssignmentLead.id.in_(bindparam("leads", expanding=True)),
                                     Milestone.due.is_not(None))
        for start in range(0, len(leads), CHUNK):  # a share has a handful of milestones: filter in Python
            for r in (await self.session.execute(query, {"leads": leads[start : start + CHUNK]})).all():
                if (r[0], r[2]) in wanted:
                    found[(r[0], r[2])] = self._row(r)
        return found

    async def lead_statuses(self, lead_ids: Sequence[int]) -> dict[int, str]:
        """The current status of each share."""
        if not lead_ids:
            return {}
        rows = await self.session.execute(
            select(AssignmentLead.id, AssignmentLead.status).where(AssignmentLead.id.in_(list(lead_ids))))
        return {r[0]: r[1] for r in rows.all()}

    async def units_with_leads(self) -> list[str]:
        return list((await self.session.scalars(select(AssignmentLead.unit_id).distinct())).all())

    # -- who ------------------------------------------------------------------------------------------
    async def people(self) -> list[PersonRow]:
        """Every person (active or not) with each of their identities, by person and identity."""
        rows = (
            await self.session.execute(
                select(
                    User.id, User.unit_id, User.role, User.active, User.reminders_enabled, User.remind_days_before,
                    User.snoozed_until, User.preferred_channel, Identity.id, Identity.channel, Identity.chat_id,
                    Identity.reachable,
                )
                .outerjoin(Identity, Identity.user_id == User.id)
                .order_by(User.id, Identity.id)
            )
        ).all()
        return [PersonRow(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6], r[7], r[8], r[9], r[10], bool(r[11]))
                for r in rows]

    async def mark_unreachable(self, identity_id: int) -> None:
        await self.session.execute(update(Identity).where(Identity.id == identity_id).values(reachable=False))

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

    async def active_roles(self) -> set[tuple[str, str]]:
        """(unit, role) pairs some active person holds."""
        rows = await self.session.execute(select(User.unit_id, User.role).where(User.active.is_(True)))
        return {(r[0], r[1]) for r in rows.all()}

    async def add_reachable_person(self, unit_id: str, role: str, name: str, chat: str) -> None:
        """A registered person with one reachable Telegram identity (the simulator's `--staff-all`)."""
        user = User(unit_id=unit_id, role=role, display_name=name)
        self.session.add(user)
        await self.session.flush()
        self.session.add(Identity(user_id=user.id, channel="telegram", external_id=chat, chat_id=chat))
        await self.session.flush()
