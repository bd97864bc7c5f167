"""The projection as a use case: read the plan's shares and their recorded history through the unit of
work (plain frozen records), replay them with `domain.projection.project` and hand back the state of
every share at the end of a date. Every read of a status, a lateness or a count goes through here
(docs/contracts.md §7); `status_json` is the `cchc-bot status --at` document.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from domain.lateness import Workdays
from domain.projection import PlanMilestone, PlanShare, Projection, RecordedUpdate, ShareState, project
from services.errors import NoPlan
from services.plan_service import AssignmentShape, PlanService
from storage.repositories.statuses import HistoryRecord
from storage.uow import UnitOfWorkFactory

# Replaying «as of now» (no date asked): every recorded update is seen.
EVERYTHING = dt.date.max


@dataclass(frozen=True)
class LeadFacts:
    """What the lists need of a share besides its projected state (plain values from one row)."""

    lead_id: int
    unit_id: str
    assignment_id: int
    assignment_position: int
    scope: str | None
    task: int
    title: str
    section: int
    status_at: dt.datetime | None


@dataclass(frozen=True)
class Snapshot:
    """One read of the plan: its id and year, each share's facts and shape, and the projection."""

    plan_id: int
    year: int
    facts: tuple[LeadFacts, ...]
    shapes: dict[int, AssignmentShape]
    projection: Projection

    def states(self) -> dict[int, ShareState]:
        return self.projection.by_lead()


@dataclass(frozen=True)
class Inputs:
    """The plan's shares and their history, read once (what the projection replays)."""

    plan_id: int
    year: int
    facts: tuple[LeadFacts, ...]
    shapes: dict[int, AssignmentShape]
    shares: tuple[PlanShare, ...]
    updates: tuple[RecordedUpdate, ...]

    def narrowed(self, unit_ids: list[str] | None, task: int | None) -> Inputs:
        """The same inputs for some units' shares, or one task's."""
        if unit_ids is None and task is None:
            return self
        units = set(unit_ids) if unit_ids is not None else None
        keep = [
            i for i, f in enumerate(self.facts)
            if (units is None or f.unit_id in units) and (task is None or f.task == task)
        ]
        leads = {self.facts[i].lead_id for i in keep}
        return Inputs(
            self.plan_id, self.year, tuple(self.facts[i] for i in keep), self.shapes,
            tuple(self.shares[i] for i in keep), tuple(u for u in self.updates if u.lead_id in leads),
        )


Mark = tuple[int | None, int]  # `history_mark()`: (newest id, number of rows) of the status history
RowKey = tuple[dt.datetime, int]  # the replay order of a share's rows: recorded time, then id
KEEP_DATES = 16  # dates whose projected states are remembered (today, «as of now», a few asked with --at)


@dataclass
class _Memory:
    """The whole plan as last read — its shares, each share's history in replay order — and the states
    projected from it, per date. Kept while the plan's version and milestones stay the same; rows appended
    to the history since are read alone and only their shares are projected again."""

    version: tuple[int, int, dt.datetime]
    shapes: dict[int, AssignmentShape]
    mark: Mark
    fingerprint: tuple[int, int]  # `history_fingerprint` of every row up to the mark's newest id
    facts: dict[int, LeadFacts]  # by lead, in plan order
    shares: dict[int, PlanShare]
    keys: dict[int, list[RowKey]]
    history: dict[int, list[RecordedUpdate]]  # by lead, sorted like `keys`
    states: dict[dt.date, dict[int, ShareState]] = field(default_factory=dict)
    whole: Inputs | None = None

    @property
    def plan_id(self) -> int:
        return self.version[0]

    @property
    def year(self) -> int:
        return self.version[1]

    def add(self, key: RowKey, update: RecordedUpdate) -> None:
        """Put a row in its share's history at its place in the replay order (nearly always the end)."""
        keys, rows = self.keys.setdefault(update.lead_id, []), self.history.setdefault(update.lead_id, [])
        at = bisect_right(keys, key)
        keys.insert(at, key)
        rows.insert(at, update)

    def updates(self, leads: Iterable[int]) -> Iterator[RecordedUpdate]:
        return chain.from_iterable(self.history.get(lead, ()) for lead in leads)

    def states_at(self, day: dt.date, workdays: Workdays) -> dict[int, ShareState]:
        states = self.states.get(day)
        if states is None:
            projection = project(self.shares.values(), self.updates(self.shares), day, workdays, plan_year=self.year)
            states = self.states[day] = projection.by_lead()
            while len(self.states) > KEEP_DATES:
                del self.states[next(iter(self.states))]
        return states

    def reproject(self, leads: set[int], workdays: Workdays) -> None:
        """Project again the shares whose history changed, at every remembered date."""
        self.whole = None
        shares = [self.shares[lead] for lead in leads]
        for day, states in self.states.items():
            states.update(project(shares, self.updates(leads), day, workdays, plan_year=self.year).by_lead())

    def select(self, unit_ids: list[str] | None, tasks: Collection[int] | None) -> list[LeadFacts]:
        units = set(unit_ids) if unit_ids is not None else None
        return [
            f for f in self.facts.values()
            if (units is None or f.unit_id in units) and (tasks is None or f.task in tasks)
        ]


class ProjectionService:
    def __init__(self, uow: UnitOfWorkFactory, plans: PlanService, tz: dt.tzinfo) -> None:
        self.uow = uow
        self.plans = plans
        self.tz = tz
        self._memories: dict[int, _Memory] = {}  # by plan id
        self._lock = asyncio.Lock()  # one refresh at a time: two would append the same new rows twice

    def day_of(self, at: dt.datetime) -> dt.date:
        """The local day of a recorded time (aware times are converted; naive ones — SQLite drops the
        offset — are already local wall time, as the status service writes them)."""
        return at.astimezone(self.tz).date() if at.tzinfo else at.date()

    async def at(
        self, day: dt.date, *, unit_ids: list[str] | None = None, task: int | None = None, fresh: bool = False,
        year: int | None = None,
    ) -> Projection:
        """Every share (of the units / the task asked) of `year`'s plan (None: the current plan) at the end
        of `day`; NoPlan without such a plan."""
        return (await self.snapshot(day, unit_ids=unit_ids, task=task, fresh=fresh, year=year)).projection

    async def snapshot(
        self, day: dt.date | None, *, unit_ids: list[str] | None = None, task: int | None = None, fresh: bool = False,
        year: int | None = None, tasks: Collection[int] | None = None,
    ) -> Snapshot:
        """One read and the projection at the end of `day` (None: with every recorded update), of the
        units' shares, of one task's (`task`) or of several tasks' (`tasks`)."""
        memory = await self._current(fresh, year)
        at = day or EVERYTHING
        states = memory.states_at(at, self.plans.workdays)
        facts = tuple(memory.select(unit_ids, {task} if task is not None else tasks))
        projection = Projection(at, memory.year, tuple(states[f.lead_id] for f in facts))
        return Snapshot(memory.plan_id, memory.year, facts, memory.shapes, projection)

    async def shares(self, *, task: int, year: int | None = None) -> list[LeadFacts]:
        """The shares of one task of `year`'s plan (None: the current plan) as the plan was last read,
        without asking whether the history grew: which units lead a task, and which share is which,
        change only with an import — a new plan version, which reads the plan again. What a coordinator's
        update needs to choose the share to write; its status is then written and read by others."""
        version = await self.plans.version(year)
        if version is None:
            raise NoPlan(year)
        memory = self._memories.get(version[0])
        if memory is None or memory.version != version:
            memory = await self._current(False, year)
        return memory.select(None, {task})

    async def inputs(
        self, *, unit_ids: list[str] | None = None, task: int | None = None, fresh: bool = False,
        year: int | None = None,
    ) -> Inputs:
        """What `domain.projection.project` replays: the shares asked and all their recorded history
        (each share's rows in replay order)."""
        memory = await self._current(fresh, year)
        if memory.whole is None:
            memory.whole = Inputs(
                memory.plan_id, memory.year, tuple(memory.facts.values()), memory.shapes,
                tuple(memory.shares.values()), tuple(memory.updates(memory.shares)),
            )
        return memory.whole.narrowed(unit_ids, task)

    async def _current(self, fresh: bool, year: int | None) -> _Memory:
        """The plan's inputs, up to date with the database.

        One cheap query (`history_mark`) tells whether the history changed since the last read. When it
        did, the rows read before are still there unchanged (`history_fingerprint`) and the rows between
        the two marks account for every row added (none committed late with a smaller id), only those rows
        are read; anything else — a new plan version,
        changed milestones, a history rewritten — reads everything again, as `fresh` does."""
        version = await self.plans.version(year)
        if version is None:
            raise NoPlan(year)
        shapes = await self.plans.structure(version[0], year=version[1])
        async with self._lock:
            memory = self._memories.get(version[0])
            if fresh or memory is None or memory.version != version or (
                memory.shapes is not shapes and memory.shapes != shapes
            ) or not await self._catch_up(memory):
                memory = await self._load(version, shapes)
            self._memories[version[0]] = memory  # one per plan (year) asked
            return memory

    async def _catch_up(self, memory: _Memory) -> bool:
        """Add the rows appended since `memory.mark`; False when the history changed otherwise."""
        async with self.uow() as uow:
            mark = await uow.statuses.history_mark()
            if mark == memory.mark:
                return True
            sums = await uow.statuses.history_fingerprint(memory.mark[0], mark[0])
            if sums[:2] != memory.fingerprint:
                return False  # rows removed or replaced (SQLite reuses the ids of removed newest rows)
            added = sums[2:]
            if memory.mark[1] + added[0] != mark[1]:
                return False
            # the new rows with their shares' current values, in one statement
            appended = await uow.statuses.appended(memory.plan_id, after_id=memory.mark[0], upto_id=mark[0])
        leads = {h.lead_id for h, _ in appended}
        if any(lead not in memory.facts for lead in leads):
            return False
        for h, row in appended:
            memory.facts[h.lead_id] = _facts(row)
            memory.add((h.created_at, h.id), self._update(h))
        memory.mark = mark
        memory.fingerprint = (memory.fingerprint[0] + added[0], memory.fingerprint[1] + added[1])
        if leads:
            memory.reproject(leads, self.plans.workdays)
        return True

    async def _load(self, version: tuple[int, int, dt.datetime], shapes: dict[int, AssignmentShape]) -> _Memory:
        """Read the plan's shares and whole history (rows up to the mark read first: later ones are
        read by the next catch-up)."""
        plan_id = version[0]
        async with self.uow() as uow:
            mark = await uow.statuses.history_mark()
            fingerprint = (await uow.statuses.history_fingerprint(None, mark[0]))[2:]
            rows = await uow.statuses.lead_rows(plan_id)
            history = await uow.statuses.replay_history(plan_id, upto_id=mark[0]) if mark[0] is not None else []
        if any(row[6] not in shapes for row in rows):  # the plan changed under a cached structure
            shapes = await self.plans.structure(plan_id, fresh=True, year=version[1])
        facts = {f.lead_id: f for f in map(_facts, rows)}
        memory = _Memory(
            version, shapes, mark, fingerprint, facts,
            {lead: self._plan_share(f, shapes.get(f.assignment_id)) for lead, f in facts.items()}, {}, {},
        )
        for h in history:  # already in replay order: appending keeps it
            memory.keys.setdefault(h.lead_id, []).append((h.created_at, h.id))
            memory.history.setdefault(h.lead_id, []).append(self._update(h))
        return memory

    def _update(self, h: HistoryRecord) -> RecordedUpdate:
        return RecordedUpdate(h.lead_id, h.status, h.percent, self.day_of(h.created_at), h.milestone_id)

    @staticmethod
    def _plan_share(f: LeadFacts, shape: AssignmentShape | None) -> PlanShare:
        milestones = tuple(
            PlanMilestone(m.id, m.label, m.kind, m.due, i) for i, m in enumerate(shape.milestones if shape else ())
        )
        return PlanShare(f.lead_id, f.task, f.unit_id, f.assignment_id, milestones, f.section, f.assignment_position)

    async def status_json(self, day: dt.date, *, unit_id: str | None = None, year: int | None = None) -> dict[str, Any]:
        """The `cchc-bot status --at DATE [--unit U] [--year Y] --json` document (docs/contracts.md §7):
        `year`'s plan, else the plan of the date's year when there is one, else the current plan."""
        if year is None and day.year in await self.plans.stored_years():
            year = day.year
        projection = await self.at(day, unit_ids=[unit_id] if unit_id else None, year=year)
        return {
            "at": day.isoformat(),
            "plan_year": projection.plan_year,
            "counts": projection.counts().as_contract(),
            "shares": [share_json(s) for s in projection.shares],
        }


def _facts(row: Any) -> LeadFacts:
    """A share's facts from one `lead_rows` row."""
    lid, unit, _s, _p, status_at, _d, aid, position, scope, number, title, section = row
    return LeadFacts(lid, unit, aid, position, scope, number, title, section, status_at)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def share_json(s: ShareState) -> dict[str, Any]:
    return {
        "task": s.task, "unit": s.unit_id, "status": s.status.value, "percent": s.percent, "overdue": s.overdue,
        "done_on": _iso(s.done_on), "done_late": s.done_late,
        "milestones": [
            {"label": m.label, "due": _iso(m.due), "effective_due": _iso(m.effective_due),
             "done_on": _iso(m.done_on), "done_late": m.done_late}
            for m in s.milestones
        ],
    }
