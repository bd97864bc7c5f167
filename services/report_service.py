"""The periodic CCHC report drafted from what the units reported (issue 13, docs/contracts.md §5).

`draft()` reads the plan, every status change, every evidence file and the target figures, and states
them **as they stood at the period's cut-off** (`domain.report_period`): a change recorded after the
cut-off is ignored, so a draft made late still reports the period as it was. The result is a tree of
plain dataclasses shaped like the report's outline — the template (docxtpl, `services.report_writer`)
words it; this module has no Word in it.

Outline: I. Công tác chỉ đạo, điều hành (figures of the follow-up); II. Kết quả thực hiện, one area per
reform area of the plan (targets with goal and figure, tasks completed in the period with unit and date,
tasks in progress with percent, evidence by file name and date); III. Đánh giá chung (counts, and
«tồn tại, hạn chế» from the blockers units reported); IV. Phương hướng, nhiệm vụ kỳ tới (what falls due
in the next quarter, by unit); an appendix with every task and its status per lead unit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.plan import YEAR_ROUND, milestone_done
from domain.report_period import report_period
from domain.reporting import ReportingCalendar
from domain.shares import REVIEW_NAMES, STATUS_NAMES, Workdays, milestone_overdue
from domain.targets import fmt_goal, fmt_value
from domain.units import UnitDirectory
from services.errors import NoPlan
from services.review_service import evidence_view
from services.target_service import TargetService
from storage.uow import UnitOfWorkFactory

VERDICTS = {True: "đạt", False: "chưa đạt", None: "chưa có số liệu"}


@dataclass
class TargetItem:
    code: str
    text: str
    short_name: str
    goal: str  # «≥ 60%», «100%», «không định lượng»
    figure: str  # «57%» or ""
    fraction: str  # «4/7» or ""
    verdict: str  # đạt | chưa đạt | chưa có số liệu | "" (qualitative, no figure)
    reported_by: str
    reported_on: dt.date | None


@dataclass
class CompletedItem:
    task: int
    title: str
    unit_id: str
    unit: str
    date: dt.date
    milestone: str | None  # the one milestone completed, when later ones remain


@dataclass
class ProgressItem:
    task: int
    title: str
    unit_id: str
    unit: str
    status: str
    percent: int | None


@dataclass
class EvidenceItem:
    task: int
    unit_id: str
    unit: str
    file_name: str
    date: dt.date
    state: str


@dataclass
class Area:
    number: int
    roman: str
    title: str
    targets: list[TargetItem] = field(default_factory=list)
    completed: list[CompletedItem] = field(default_factory=list)
    in_progress: list[ProgressItem] = field(default_factory=list)
    evidence: list[EvidenceItem] = field(default_factory=list)


@dataclass
class Blocker:
    task: int
    title: str
    unit_id: str
    unit: str
    note: str
    date: dt.date | None


@dataclass
class DueItem:
    task: int
    title: str
    unit_id: str
    milestone: str  # the plan's own words («Trước 20/12 hàng năm»)
    due: dt.date


@dataclass
class UnitDue:
    unit_id: str
    unit: str
    due: list[DueItem]


@dataclass
class ShareStatus:
    unit_id: str
    unit: str
    status: str  # text at the cut-off («Hoàn thành», «Đang thực hiện 60%», …)
    done_on: dt.date | None
    overdue: bool


@dataclass
class AppendixTask:
    number: int
    title: str
    leads: str
    deadline: str
    shares: list[ShareStatus]
    uniform: str = ""  # the one status shared by every lead unit (several units, none done or late)


@dataclass
class AppendixSection:
    roman: str
    title: str
    tasks: list[AppendixTask]


@dataclass
class Counts:
    total: int = 0
    done: int = 0
    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    blocked: int = 0
    not_started: int = 0
    overdue: int = 0  # not done, a milestone due before the cut-off


@dataclass
class ReportDraft:
    year: int
    period: str
    period_title: str
    period_name: str  # «Quý III năm 2022», «6 tháng đầu năm 2022», «năm 2022»
    plan_title: str
    issuer: str
    start: dt.date
    cutoff: dt.date
    due: dt.date | None
    next_title: str
    next_start: dt.date
    next_end: dt.date
    unit_id: str | None  # None: the whole department
    areas: list[Area]
    counts: Counts
    blockers: list[Blocker]
    next_due: list[UnitDue]
    year_round: int  # shares «Cả năm» still open: carried on in the next period
    appendix: list[AppendixSection]
    updates_in_period: int
    evidence_in_period: int
    figures_in_period: int
    units_reporting: int
    load_seconds: float = 0.0


@dataclass
class _Share:
    lead_id: int
    unit_id: str
    status: str = "not_started"
    percent: int | None = None
    done_through: dt.date | None = None
    done_on: dt.date | None = None
    blocked_note: str | None = None
    blocked_on: dt.date | None = None


class ReportService:
    def __init__(
        self, uow: UnitOfWorkFactory, units: UnitDirectory, reporting: ReportingCalendar, targets: TargetService,
        tz: ZoneInfo, template: Path, workdays: Workdays,
    ) -> None:
        self.workdays = workdays  # «trễ hạn» at the cut-off: the one overdue rule (domain.shares)
        self.uow = uow
        self.units = units
        self.reporting = reporting
        self.targets = targets
        self.tz = tz
        self.template = template

    def local(self, at: dt.datetime) -> dt.datetime:
        return at.astimezone(self.tz).replace(tzinfo=None) if at.tzinfo else at

    async def plan_year(self, year: int | None = None) -> int:
        async with self.uow() as uow:
            plan = await (uow.plans.plan_by_year(year) if year is not None else uow.plans.current_plan())
            if plan is None:
                raise NoPlan(year)
            return plan.year

    async def draft(self, period: str, year: int | None = None, *, unit_id: str | None = None) -> ReportDraft:
        started = time.perf_counter()
        year = await self.plan_year(year)
        rp = report_period(self.reporting, period, year)
        until = dt.datetime.combine(rp.cutoff + dt.timedelta(days=1), dt.time())  # end of the cut-off day
        _, _, target_rows = await self.targets.status(period=rp.period, today=rp.cutoff, until=until, year=year)
        async with self.uow() as uow:  # ORM rows are read inside the transaction that loaded them
            plan = await uow.plans.plan_by_year(year)
            if plan is None:  # removed since plan_year() found it
                raise NoPlan(year)
            _, sections, tasks = await uow.plans.load_full(plan.id)
            lead_ids = [lead.id for t in tasks for a in t.assignments for lead in a.leads]
            history = await uow.statuses.history(lead_ids) if lead_ids else []
            evidence_rows = await uow.review.evidence(plan.id)
            draft = self._build(rp, plan, sections, tasks, history, evidence_rows, target_rows, until, unit_id)
        draft.load_seconds = time.perf_counter() - started
        return draft

    def _build(self, rp, plan, sections, tasks, history, evidence_rows, target_rows, until, unit_id) -> ReportDraft:
        year = rp.year
        milestone_due = {m.id: (m.due, m.label) for t in tasks for a in t.assignments for m in a.milestones}
        shares: dict[int, _Share] = {}
        for t in tasks:
            for a in t.assignments:
                for lead in a.leads:
                    shares[lead.id] = _Share(lead.id, lead.unit_id)
        completed_at: dict[int, list[tuple[dt.date, str | None]]] = defaultdict(list)
        updates_in_period = 0
        reporting_units: set[str] = set()
        for update, _user in history:
            at = self.local(update.created_at)
            if at >= until:
                continue
            day = at.date()
            share = shares[update.lead_id]
            in_period = rp.start <= day <= rp.cutoff
            if in_period:
                updates_in_period += 1
                reporting_units.add(share.unit_id)
            previous = share.status
            share.status, share.percent = update.status, update.percent
            if update.milestone_id is not None and update.milestone_id in milestone_due:
                due, label = milestone_due[update.milestone_id]
                share.done_through = due
                if in_period:
                    completed_at[update.lead_id].append((day, label))
            elif update.status == "done":
                if previous != "done":
                    share.done_on = day
                    if in_period:
                        completed_at[update.lead_id].append((day, None))
            elif update.status == "not_started":
                share.done_through = None
            if update.status == "blocked":
                share.blocked_note = update.note or update.original_text
                share.blocked_on = day
        evidence = [evidence_view(row) for row in evidence_rows]

        def wanted(unit: str) -> bool:
            return unit_id is None or unit == unit_id

        by_section: dict[int, Area] = {
            s.number: Area(s.number, s.roman, s.title.capitalize()) for s in sections
        }
        for row in target_rows:
            t, f = row.target, row.figure
            verdict = VERDICTS[row.verdict] if (t.goal is not None or f is not None) else ""
            if t.goal is None and f is not None:
                verdict = ""
            area = by_section.get(t.section)
            if area is None:
                continue
            area.targets.append(
                TargetItem(
                    t.code, t.text, t.short_name, fmt_goal(t.goal, t.direction), fmt_value(f.value) if f else "",
                    f"{f.numerator}/{f.denominator}" if f and f.denominator else "", verdict,
                    self.units.name(f.unit_id) if f and f.unit_id else "", f.at.date() if f else None,
                )
            )
        counts = Counts()
        blockers: list[Blocker] = []
        due_items: dict[str, list[DueItem]] = defaultdict(list)
        year_round = 0
        appendix: dict[int, list[AppendixTask]] = defaultdict(list)
        for t in tasks:
            area = by_section.get(t.section_number)
            task_shares: list[ShareStatus] = []
            leads_of_task: list[str] = []
            deadlines: list[str] = []
            for a in t.assignments:
                deadlines.append(a.deadline_text or "; ".join(m.text for m in a.milestones))
                for lead in sorted(a.leads, key=lambda x: x.id):
                    share = shares[lead.id]
                    leads_of_task.append(lead.unit_id)
                    dated = [m.due for m in a.milestones if m.due is not None]
                    overdue = share.status != "done" and any(
                        milestone_overdue(share.status, share.done_through, m.due, rp.cutoff, self.workdays)
                        for m in a.milestones
                    )
                    if wanted(lead.unit_id):
                        counts.total += 1
                        if share.status == "done":
                            counts.done += 1
                            late = bool(dated) and share.done_on is not None and share.done_on > max(dated)
                            counts.done_late += late
                            counts.done_on_time += not late
                        elif share.status == "in_progress":
                            counts.in_progress += 1
                        elif share.status == "blocked":
                            counts.blocked += 1
                        else:
                            counts.not_started += 1
                        counts.overdue += overdue
                    name = self.units.name(lead.unit_id)
                    text = STATUS_NAMES.get(share.status, share.status)
                    if share.status == "in_progress" and share.percent is not None:
                        text += f" {share.percent}%"
                    task_shares.append(ShareStatus(lead.unit_id, name, text, share.done_on, overdue))
                    if not wanted(lead.unit_id):
                        continue
                    if area is not None:
                        for day, label in completed_at.get(lead.id, []):
                            area.completed.append(CompletedItem(t.number, t.title, lead.unit_id, name, day, label))
                        if share.status in ("in_progress", "blocked") and not completed_at.get(lead.id):
                            area.in_progress.append(
                                ProgressItem(t.number, t.title, lead.unit_id, name, text, share.percent)
                            )
                    if share.status == "blocked":
                        blockers.append(
                            Blocker(t.number, t.title, lead.unit_id, name, share.blocked_note or "", share.blocked_on)
                        )
                    if share.status == "done":
                        continue
                    for m in a.milestones:
                        if m.due is None or milestone_done(share.status, share.done_through, m.due):
                            continue
                        if not (rp.next_start <= m.due <= rp.next_end):
                            continue
                        if m.kind == YEAR_ROUND:
                            year_round += 1
                            continue
                        due_items[lead.unit_id].append(
                            DueItem(t.number, t.title, lead.unit_id, m.text.strip().rstrip("."), m.due)
                        )
            statuses = {s.status for s in task_shares}
            uniform = ""
            if len(task_shares) > 1 and len(statuses) == 1 and not any(s.overdue or s.done_on for s in task_shares):
                uniform = f"{task_shares[0].status} (cả {len(task_shares)} đơn vị)"
            appendix[t.section_number].append(
                AppendixTask(
                    t.number, t.title, "; ".join(self.units.name(u) for u in dict.fromkeys(leads_of_task)),
                    "\n".join(d for d in dict.fromkeys(deadlines) if d), task_shares, uniform,
                )
            )
        evidence_in_period = 0
        for ev in evidence:
            day = self.local(ev.created_at).date()
            if not (rp.start <= day <= rp.cutoff) or not wanted(ev.unit_id):
                continue
            evidence_in_period += 1
            area = by_section.get(ev.section)
            if area is not None:
                area.evidence.append(
                    EvidenceItem(ev.task_number, ev.unit_id, self.units.name(ev.unit_id), ev.label, day,
                                 REVIEW_NAMES.get(ev.review_state, ev.review_state))
                )
        for area in by_section.values():
            area.completed.sort(key=lambda c: (c.date, c.task))
        order = {u.id: i for i, u in enumerate(self.units.units)}
        next_due = [
            UnitDue(u, self.units.name(u), sorted(items, key=lambda d: (d.due, d.task)))
            for u, items in sorted(due_items.items(), key=lambda kv: (order.get(kv[0], 999), kv[0]))
        ]
        figures_in_period = sum(1 for r in target_rows if r.figure is not None)
        return ReportDraft(
            year=year, period=rp.period, period_title=rp.title,
            period_name=f"năm {year}" if rp.period == "Y" else f"{rp.title} năm {year}", plan_title=plan.title, issuer=plan.issuer,
            start=rp.start, cutoff=rp.cutoff, due=rp.due, next_title=rp.next_title, next_start=rp.next_start,
            next_end=rp.next_end, unit_id=unit_id, areas=[by_section[s.number] for s in sections], counts=counts,
            blockers=sorted(blockers, key=lambda b: (b.task, order.get(b.unit_id, 999))), next_due=next_due,
            year_round=year_round,
            appendix=[AppendixSection(s.roman, s.title.capitalize(), appendix.get(s.number, [])) for s in sections],
            updates_in_period=updates_in_period, evidence_in_period=evidence_in_period,
            figures_in_period=figures_in_period, units_reporting=len(reporting_units),
        )

    async def write(
        self, period: str, out: Path, year: int | None = None, *, template: Path | None = None
    ) -> tuple[ReportDraft, Path, float]:
        """Draft the whole department's report and render it into `out` (a worker thread renders, so
        the bot's event loop never waits on Word); returns (draft, path, render seconds)."""
        from services.report_writer import render

        draft = await self.draft(period, year)
        started = time.perf_counter()
        path = await asyncio.to_thread(render, draft, template or self.template, out)
        return draft, path, time.perf_counter() - started
