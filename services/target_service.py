"""Targets (chỉ tiêu): finding the one a message talks about, recording its figures, judging them.

A figure belongs to a target and a reporting period (Q1, Q2, H1, Q3, Y) of the plan's year; figures are
append-only — the latest of (target, period) counts, the earlier ones are its history and, with who,
when, which channel and the words typed, the audit trail. Heads and coordinators report figures;
leaders and officers read them.

Finding a target by the words of a message («ký số», «tỷ lệ hồ sơ trực tuyến», «kiểm tra … phòng»):
every target's text is folded and scored against the message's topic words, rare words weighing more
(idf). The match is *confident* when the target holds every topic word and no other target scores near
it, or when the message names the target's code («chỉ tiêu 7.1»); anything less is confirmed before
writing, as for status updates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from domain import plan_years
from domain.people import UserView
from domain.report_period import current_period, normalise_period
from domain.targets import achieved, section_targets
from domain.text import fold
from services.errors import NoPlan
from storage.uow import Conflict, UnitOfWork, UnitOfWorkFactory

# Words that say «a figure» rather than which target (the topic is matched on what is left).
STOPWORDS = frozenset(
    ["chi", "tieu", "dat", "duoc", "da", "la", "cua", "cac", "nhung", "mot", "va", "voi", "trong", "theo", "tren", "cho", "ve", "tu", "den", "co", "khong", "chua", "nhieu", "lieu", "quy", "nam", "thang", "nay", "nhe", "a", "oi", "phan", "tram"]
)
CODE = re.compile(r"\b([1-9])\s*[.,]\s*(\d{1,2})\b")
CONFIDENT_MARGIN = 0.8  # the runner-up must score below this share of the best


@dataclass(frozen=True)
class TargetView:
    id: int
    code: str
    section: int
    text: str
    short_name: str
    goal: float | None
    direction: str | None


@dataclass(frozen=True)
class FigureView:
    target_code: str
    period: str
    value: float
    numerator: int | None
    denominator: int | None
    unit_id: str | None
    who: str | None
    at: dt.datetime  # local wall time
    channel: str
    text: str | None


@dataclass(frozen=True)
class TargetStatus:
    target: TargetView
    figure: FigureView | None
    verdict: bool | None  # True đạt, False chưa đạt, None chưa có số liệu / không định lượng
    # the period's latest figure recorded after `until` (a report's cut-off): stated as such, not dropped
    late: FigureView | None = None


@dataclass
class Match:
    target: TargetView
    confident: bool
    alternatives: list[TargetView] = field(default_factory=list)


class FigureKind(StrEnum):
    """What became of the request (`FigureOutcome.kind`)."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    READ_ONLY = "read_only"
    UNKNOWN_TARGET = "unknown_target"
    BAD_VALUE = "bad_value"
    CLOSED = "closed"  # a past year's plan after its closing date (`year`, `closed_on`)


@dataclass
class FigureOutcome:
    kind: FigureKind
    target: TargetView | None = None
    figure: FigureView | None = None
    previous: FigureView | None = None
    verdict: bool | None = None
    year: int | None = None  # closed: a past year's plan after its closing day
    closed_on: dt.date | None = None


class TargetRow(Protocol):
    """What a stored target offers (`uow.targets.targets()`)."""

    id: int
    code: str
    section_number: int
    text: str
    short_name: str
    goal: float | None
    direction: str | None


def view(t: TargetRow) -> TargetView:
    return TargetView(t.id, t.code, t.section_number, t.text, t.short_name, t.goal, t.direction)


def _tokens(text: str) -> list[str]:
    return [w for w in fold(text).replace("%", " ").split() if w not in STOPWORDS and not w.isdigit()]


class TargetIndex:
    """idf-weighted word and word-pair overlap between a topic and each target's text."""

    def __init__(self, targets: list[TargetView]) -> None:
        self.targets = targets
        self.words = [set(_tokens(t.text)) | set(_tokens(t.short_name)) for t in targets]
        self.pairs = [set(zip(_tokens(t.text), _tokens(t.text)[1:], strict=False)) for t in targets]
        df = Counter(w for ws in self.words for w in ws)
        n = max(len(targets), 1)
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}

    def rank(self, topic: str) -> list[tuple[float, float, TargetView]]:
        """(score, coverage, target), best first; coverage = the share of the topic's weight found."""
        words = [w for w in dict.fromkeys(_tokens(topic)) if w in self.idf]
        if not words:
            return []
        pairs = set(itertools.pairwise(words))
        total = sum(self.idf[w] for w in words)
        ranked = []
        for target, ws, ps in zip(self.targets, self.words, self.pairs, strict=True):
            found = sum(self.idf[w] for w in words if w in ws)
            if found == 0:
                continue
            score = found + 0.5 * sum(self.idf[a] for a, b in pairs if (a, b) in ps)
            ranked.append((score, found / total, target))
        ranked.sort(key=lambda r: (-r[0], r[2].section, r[2].code))
        return ranked


class TargetService:
    def __init__(self, uow: UnitOfWorkFactory, tz: ZoneInfo) -> None:
        self.uow = uow
        self.tz = tz
        # the targets of each plan version (id, imported_at) read: only an import changes them
        self._views: dict[tuple[int, dt.datetime], list[TargetView]] = {}

    def local(self, at: dt.datetime) -> dt.datetime:
        return at.astimezone(self.tz).replace(tzinfo=None) if at.tzinfo else at

    async def _plan(self, uow: UnitOfWork, year: int | None = None) -> Any:
        plan = await (uow.plans.plan_by_year(year) if year is not None else uow.plans.current_plan())
        if plan is None:
            raise NoPlan()
        if (plan.id, plan.imported_at) not in self._views and not await uow.targets.has_targets(plan.id):
            # a plan imported before targets were stored: derive them from its sections once
            sections = await uow.plans.sections(plan.id)
            await uow.targets.sync(plan.id, [t for s in sections for t in section_targets(s.number, list(s.targets or []))])
            await uow.commit()
        return plan

    async def _targets(self, uow: UnitOfWork, plan: Any) -> list[TargetView]:
        """The targets of `plan` (as `_plan` returned it) in order, read once per plan version (id,
        imported_at): an import is what changes them (`PlanService.store` syncs them in its transaction,
        with the plan's new imported_at), so a re-import by any process is seen at the next question —
        the version is read with the plan each time, never remembered."""
        key = (plan.id, plan.imported_at)
        found = self._views.get(key)
        if found is None:
            found = [view(t) for t in await uow.targets.targets(plan.id)]
            if len(self._views) >= 8:  # a few years' plans, re-imported now and then
                self._views.clear()
            self._views[key] = found
        return list(found)

    async def targets(self, year: int | None = None) -> tuple[int, list[TargetView]]:
        """(plan year, the plan's targets in order)."""
        async with self.uow() as uow:
            plan = await self._plan(uow, year)
            return plan.year, await self._targets(uow, plan)

    async def match(self, topic: str) -> Match | None:
        _, targets = await self.targets()
        m = CODE.search(fold(topic).replace(" . ", "."))
        if m is None:
            m = CODE.search(topic)
        if m is not None:
            code = f"{m.group(1)}.{int(m.group(2))}"
            for t in targets:
                if t.code == code:
                    return Match(t, True)
        ranked = TargetIndex(targets).rank(topic)
        if not ranked:
            return None
        best_score, coverage, best = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else 0.0
        confident = coverage >= 0.999 and runner < CONFIDENT_MARGIN * best_score
        return Match(best, confident, [r[2] for r in ranked[1:3]])

    async def target(self, target_id: int) -> TargetView | None:
        _, targets = await self.targets()
        return next((t for t in targets if t.id == target_id), None)

    def _figure(self, f: Any, who: str | None, code: str) -> FigureView:
        return FigureView(
            code, f.period, f.value, f.numerator, f.denominator, f.unit_id, who, self.local(f.created_at),
            f.channel, f.original_text,
        )

    async def record(
        self, user: UserView, *, target_id: int, period: str, value: float, numerator: int | None = None,
        denominator: int | None = None, channel: str, text: str | None, key: str | None, now: dt.datetime,
    ) -> FigureOutcome:
        if user.role not in ("head", "coordinator", "admin"):
            return FigureOutcome(FigureKind.READ_ONLY)
        period = normalise_period(period)
        if not (0 <= value <= 100) or (denominator is not None and (denominator <= 0 or (numerator or 0) > denominator)):
            return FigureOutcome(FigureKind.BAD_VALUE)
        try:
            async with self.uow() as uow:
                plan = await self._plan(uow)
                if not plan_years.writable(plan.year, now.date(), plan.closes_on):
                    closed_on = plan.closes_on or plan_years.default_closing(plan.year)
                    return FigureOutcome(FigureKind.CLOSED, year=plan.year, closed_on=closed_on)
                targets = {t.id: t for t in await uow.targets.targets(plan.id)}
                row = targets.get(target_id)
                if row is None:
                    return FigureOutcome(FigureKind.UNKNOWN_TARGET)
                if key and await uow.targets.figure_by_key(key):
                    return FigureOutcome(FigureKind.DUPLICATE, target=view(row))
                history = await uow.targets.figures(plan.id, period=period, target_id=target_id)
                previous = self._figure(history[-1][0], history[-1][1], row.code) if history else None
                figure = await uow.targets.add_figure(
                    target_id=target_id, period=period, value=round(value, 2), numerator=numerator,
                    denominator=denominator, unit_id=user.unit_id, user_id=user.id, channel=channel,
                    original_text=text, idempotency_key=key, created_at=now,
                )
                result = self._figure(figure, user.display_name or None, row.code)
                await uow.commit()
        except Conflict:  # the same message recorded twice at once: the unique key kept one
            return FigureOutcome(FigureKind.DUPLICATE)
        t = view(row)
        return FigureOutcome(FigureKind.RECORDED, t, result, previous, achieved(t.goal, t.direction, value))

    async def status(
        self, *, period: str | None = None, today: dt.date, section: int | None = None,
        until: dt.datetime | None = None, year: int | None = None, fallback: bool = True,
    ) -> tuple[int, str, list[TargetStatus]]:
        """(plan year, period, goal vs the period's latest figure for each target). `until` (local wall
        time) leaves figures recorded after it out of the judgement — a report states figures as they stood
        at its cut-off — but the latest such figure is kept in `late`, so that it is reported as typed
        after the cut-off instead of silently missing. The annual view (`Y`) of a target without a figure
        for the year falls back, with `fallback`, to its latest figure of any period of the year (its
        `period` says which)."""
        period = normalise_period(period) if period else current_period(today)
        async with self.uow() as uow:
            plan = await self._plan(uow, year)
            plan_year = plan.year
            targets = await self._targets(uow, plan)
            asked = None if period == "Y" and fallback else period
            rows = [(self._figure(f, who, "?"), f.target_id) for f, who in await uow.targets.figures(plan.id, period=asked)]
        codes = {t.id: t.code for t in targets}
        latest: dict[int, FigureView] = {}
        earlier: dict[int, FigureView] = {}
        late: dict[int, FigureView] = {}
        for fv, target_id in rows:
            fv = dataclasses.replace(fv, target_code=codes.get(target_id, "?"))
            if until is not None and fv.at >= until:
                if fv.period == period:
                    late[target_id] = fv
            elif fv.period == period:
                latest[target_id] = fv
            elif earlier.get(target_id) is None or earlier[target_id].at <= fv.at:
                earlier[target_id] = fv
        out = []
        for t in targets:
            if section is not None and t.section != section:
                continue
            shown = latest.get(t.id) or earlier.get(t.id)
            out.append(TargetStatus(t, shown, achieved(t.goal, t.direction, shown.value if shown else None),
                                    late.get(t.id)))
        return plan_year, period, out

    async def missing(self, *, period: str | None = None, today: dt.date) -> tuple[str, list[TargetView]]:
        """The targets with a numeric goal and no figure yet for the period (default: the current one) —
        what coordinators chase and the pre-cut-off check-in asks the units for."""
        _, period, rows = await self.status(period=period, today=today)
        return period, [r.target for r in rows if r.figure is None and r.target.goal is not None]

    async def history(self, target_id: int) -> list[FigureView]:
        async with self.uow() as uow:
            plan = await self._plan(uow)
            rows = await uow.targets.figures(plan.id, target_id=target_id)
            code = next((t.code for t in await self._targets(uow, plan) if t.id == target_id), "?")
            return [self._figure(f, who, code) for f, who in rows]
