"""Fill the report's outline (`services.report_model`) from the one projection at the cut-off.

Every state, lateness and count comes from `domain.projection` (a `Projection` at the period's cut-off and
its `count_shares`); this module only sorts shares into the outline's parts: done / in progress / blocked
per area, the overdue list of III.2, the blockers' reasons of III.3, the carry-forward of IV and the
province's part of V (docs/report.md). Pure: records in, a `ReportDraft` out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.plan import PERIODIC_REPORT, YEAR_ROUND
from domain.projection import Counts, Projection, ShareState, count_shares
from domain.report_period import ReportPeriod
from domain.report_rules import INDICATORS, cause_of, indicator_target, needs_province
from domain.shares import Status
from domain.targets import fmt_value
from domain.text import fold
from services.report_model import (
    AreaPart,
    CauseGroup,
    EvidenceLine,
    IndicatorRow,
    ReportDraft,
    ShareLine,
    StatRow,
    TargetLine,
    TaskDue,
    UnitState,
)
from services.target_service import TargetStatus

EVIDENCE_SHOWN = 5


class OutlineWords(Protocol):
    """The words the outline's text fields are filled with (`presentation.report_words.ReportWords`,
    handed in by the bootstrap): this module decides what the report says, never how it is worded."""

    @property
    def blank(self) -> str: ...
    def verdict(self, met: bool | None) -> str: ...
    def figure_period(self, period: str) -> str: ...
    def period_name(self, rp: ReportPeriod) -> str: ...
    def period_title(self, period: str) -> str: ...
    def next_title(self, period: str) -> str: ...
    def goal(self, goal: float | None, direction: str | None) -> str: ...
    def cause(self, code: str) -> str: ...
    def indicator(self, code: str) -> str: ...
    def file_label(self, name: str | None, caption: str | None, number: int) -> str: ...


@dataclass(frozen=True)
class SectionFacts:
    number: int
    roman: str
    title: str


@dataclass(frozen=True)
class PlanFacts:
    """What the report needs of the plan besides the projection: names, words and references."""

    year: int
    title: str
    issuer: str
    number: str | None  # «/KH-SCT» as the plan file states it (None: not found)
    date: str | None  # «/12/2021»
    sections: tuple[SectionFacts, ...]
    task_titles: dict[int, str]
    milestone_words: dict[int, str]  # milestone id → the plan's words for its deadline


@dataclass(frozen=True)
class Blocked:
    note: str
    day: dt.date


@dataclass(frozen=True)
class AcceptedEvidence:
    task: int
    section: int
    unit_id: str
    name: str
    day: dt.date  # the day it was sent


def province_of(department: str) -> str:
    """«Sở Công Thương tỉnh Bình Định» → «Bình Định» (the heading's UBND and place); "" when not named."""
    parts = re.split(r"\b(?:tỉnh|thành phố)\s+", department, maxsplit=1, flags=re.IGNORECASE)
    return parts[1].strip() if len(parts) == 2 else ""


def reference(value: str | None) -> tuple[str, bool]:
    """A plan number or date as the file states it, and whether a part is missing (the template marks it):
    «/KH-SCT» → («/KH-SCT», True); «12/KH-SCT» → («12/KH-SCT», False); None → ("", True)."""
    if not value:
        return "", True
    return value, value.startswith("/")


def met(row: TargetStatus) -> bool | None:
    """Whether a quantified target's figure reaches its goal (None: no figure yet, or qualitative)."""
    return row.verdict if row.target.goal is not None else None


def target_line(row: TargetStatus, period: str, words: OutlineWords) -> TargetLine:
    t, f = row.target, row.figure
    verdict = words.verdict(row.verdict) if t.goal is not None else ""
    label = words.figure_period(f.period) if f is not None and f.period != period else ""
    late = row.late
    return TargetLine(
        code=t.code, text=t.text, goal=words.goal(t.goal, t.direction), figure=fmt_value(f.value) if f else "",
        fraction=f"{f.numerator}/{f.denominator}" if f and f.denominator else "", period_label=label,
        verdict=verdict, reported_by=(f.who or "") if f else "", reported_on=f.at.date() if f else None,
        late_figure=fmt_value(late.value) if late else "", late_on=late.at.date() if late else None,
        period=f.period if f else period, value=f.value if f else None, goal_value=t.goal,
    )


class _Builder:
    def __init__(
        self, rp: ReportPeriod, facts: PlanFacts, projection: Projection, unit_name: Callable[[str], str],
        unit_order: dict[str, int], unit_id: str | None,
    ) -> None:
        self.rp, self.facts, self.unit_name, self.order = rp, facts, unit_name, unit_order
        self.shares = [s for s in projection.shares if unit_id is None or s.unit_id == unit_id]

    def in_period(self, day: dt.date | None) -> bool:
        return day is not None and self.rp.start <= day <= self.rp.cutoff

    def line(self, s: ShareState, *, date: dt.date | None = None, milestone: str = "", late: bool = False,
             note: str = "") -> ShareLine:
        return ShareLine(s.task, self.facts.task_titles.get(s.task, ""), s.unit_id, self.unit_name(s.unit_id),
                         s.status.value, s.percent, date, milestone, late, note)

    def sort_key(self, line: ShareLine) -> tuple[int, int]:
        return line.task, self.order.get(line.unit_id, 999)

    def area(self, section: SectionFacts, number: int, notes: dict[int, Blocked]) -> AreaPart:
        mine = [s for s in self.shares if s.section == section.number]
        part = AreaPart(number, section.number, section.roman, section.title.capitalize(), count_shares(mine))
        for s in mine:
            if s.status is Status.DONE and self.in_period(s.done_on):
                part.done.append(self.line(s, date=s.done_on, late=bool(s.done_late)))
                continue
            reached = [m for m in s.milestones if m.done and self.in_period(m.done_on)]
            if s.status is not Status.DONE and reached:
                m = reached[-1]
                part.done.append(self.line(s, date=m.done_on, milestone=m.label, late=bool(m.done_late)))
            elif s.status is Status.IN_PROGRESS:
                part.in_progress.append(self.line(s))
            if s.status is Status.BLOCKED:
                blocked = notes.get(s.lead_id)
                part.blocked.append(self.line(s, date=blocked.day if blocked else None,
                                              note=blocked.note if blocked else ""))
        part.done.sort(key=lambda c: (c.date or dt.date.min, c.task))
        part.in_progress.sort(key=self.sort_key)
        part.blocked.sort(key=self.sort_key)
        return part

    def _group(self, items: Iterable[tuple[ShareState, int]]) -> list[TaskDue]:
        grouped: dict[tuple[int, str, dt.date | None], list[UnitState]] = defaultdict(list)
        for s, i in items:
            m = s.milestones[i]
            words = m.label if m.kind == PERIODIC_REPORT else (self.facts.milestone_words.get(m.id) or m.label)
            grouped[(s.task, words.strip().rstrip("."), m.effective_due)].append(
                UnitState(self.unit_name(s.unit_id), s.status.value, s.percent, s.updated)
            )
        out = [TaskDue(task, self.facts.task_titles.get(task, ""), words, due, units)
               for (task, words, due), units in grouped.items()]
        return sorted(out, key=lambda d: (d.due or dt.date.max, d.task))

    def overdue(self) -> list[TaskDue]:
        """Every open share with a milestone overdue at the cut-off (the projection's `overdue`)."""
        return self._group(
            (s, i) for s in self.shares if s.overdue for i, m in enumerate(s.milestones) if m.overdue
        )

    def due_next(self) -> tuple[list[TaskDue], int]:
        """Open milestones due from the day after the cut-off to the end of the next period (the rest of
        this quarter included), and the open year-round shares carried on."""
        items: list[tuple[ShareState, int]] = []
        year_round = 0
        for s in self.shares:
            if not s.open:
                continue
            if any(m.kind == YEAR_ROUND and not m.done for m in s.milestones):
                year_round += 1
            for i, m in enumerate(s.milestones):
                if m.done or m.kind == YEAR_ROUND or m.effective_due is None or m.before_plan:
                    continue
                if self.rp.cutoff < m.effective_due <= self.rp.next_end:
                    items.append((s, i))
        return self._group(items), year_round


def _evidence_top(items: Sequence[AcceptedEvidence], done_tasks: set[int], unit_name: Callable[[str], str]) -> list[EvidenceLine]:
    """The few files a reader should see: those of work completed in the period first, newest first,
    one per task before a second of the same task."""
    ranked = sorted(items, key=lambda e: (e.task not in done_tasks, -e.day.toordinal(), e.task))
    seen: set[int] = set()
    first = [e for e in ranked if not (e.task in seen or seen.add(e.task))]  # type: ignore[func-returns-value]
    rest = [e for e in ranked if e not in first]
    return [EvidenceLine(e.task, unit_name(e.unit_id), e.name, e.day) for e in (first + rest)[:EVIDENCE_SHOWN]]


def build(
    rp: ReportPeriod, facts: PlanFacts, projection: Projection, *, notes: dict[int, Blocked],
    evidence: Sequence[AcceptedEvidence], targets: Sequence[TargetStatus], unit_name: Callable[[str], str],
    unit_order: dict[str, int], words: OutlineWords, unit_id: str | None = None, signer: str = "deputy",
    department: str = "",
) -> ReportDraft:
    b = _Builder(rp, facts, projection, unit_name, unit_order, unit_id)
    parts = {s.number: b.area(s, 0 if s.number == 1 else s.number - 1, notes) for s in facts.sections}
    lines = [target_line(r, rp.period, words) for r in targets]
    for line, row in zip(lines, targets, strict=True):
        if row.target.section in parts:
            parts[row.target.section].targets.append(line)
    wanted = [e for e in evidence if unit_id is None or e.unit_id == unit_id]
    for part in parts.values():
        mine = [e for e in wanted if e.section == part.plan_number and b.in_period(e.day)]
        part.evidence_accepted = len(mine)
        part.evidence_top = _evidence_top(mine, {d.task for d in part.done}, unit_name)
    blockers = sorted((x for p in parts.values() for x in p.blocked), key=b.sort_key)
    causes: dict[str, list[ShareLine]] = defaultdict(list)
    for x in blockers:
        causes[cause_of(x.note)].append(x)
    due_next, year_round = b.due_next()
    overdue = b.overdue()
    pairs = [(t.target.code, fold(t.target.text)) for t in targets]
    by_code = {line.code: line for line in lines}
    indicators = []
    for ind in INDICATORS:
        code = indicator_target(ind, pairs)
        figure = by_code[code].figure if code else ""
        indicators.append(IndicatorRow(words.indicator(ind.code), code, figure))
    counts: Counts = count_shares(b.shares)
    tasks_done, tasks_total = projection.tasks_done(unit_id)
    number, number_blank = reference(facts.number)
    date, date_blank = reference(facts.date)
    sections = facts.sections
    return ReportDraft(
        year=rp.year, period=rp.period, period_title=words.period_title(rp.period),
        period_name=words.period_name(rp),
        plan_title=facts.title, issuer=facts.issuer, province=province_of(department), plan_number=number, plan_number_blank=number_blank,
        plan_date=date, plan_date_blank=date_blank, signer=signer, start=rp.start, cutoff=rp.cutoff, due=rp.due,
        next_title=words.next_title(rp.period), carry_start=rp.cutoff + dt.timedelta(days=1), next_start=rp.next_start,
        next_end=rp.next_end, unit_id=unit_id, counts=counts, tasks_done=tasks_done, tasks_total=tasks_total,
        direction=parts.get(1),
        areas=[parts[s.number] for s in sections if s.number != 1],
        achieved=[t for t, row in zip(lines, targets, strict=True) if met(row) is True], overdue=overdue, blockers=blockers,
        carry_tasks=sorted({o.task for o in overdue} | {x.task for x in blockers}),
        causes=[CauseGroup(words.cause(reason), items) for reason, items in causes.items()], due_next=due_next,
        year_round=year_round, proposals=[x for x in blockers if needs_province(x.note)],
        stats=[StatRow(s.roman, s.title.capitalize(), parts[s.number].counts) for s in sections],
        targets=lines, indicators=indicators, evidence_accepted=len(wanted), blank=words.blank,
    )
