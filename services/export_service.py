"""The plan's appendix as a live Excel report — the table the Văn phòng pastes into the quarterly CCHC
report, filled in from the statuses and evidence the units sent through chat.

Layout, sheet «Phụ lục»: the appendix's own columns (STT, Nhiệm vụ, Sản phẩm, Đơn vị chủ trì, Đơn vị
phối hợp, Thời gian hoàn thành), its section rows I–VII and one row per row of the source table (a
task with two assignments has two rows, STT and Nhiệm vụ merged over them), followed by Tình trạng
(one line per lead unit), Cập nhật lần cuối (who, when), Minh chứng (count and file names) and Ghi chú.
Further sheets: «Tổng hợp» (counts per unit and per reform area), «Lịch sử» (every status change,
evidence upload and review — the audit trail) and, for a period, «Hoàn thành …» (what reached `done`
inside the period's dates of the plan year, with its evidence: the raw material of the report).

Reading and writing are split: `load()` is async and reads everything in four queries; the writing
(`presentation/export_workbook.py`, handed in by the bootstrap, with the cells' words in
`presentation/export_cells.py`) is plain openpyxl and runs in a worker
thread, so a chat export never blocks the bot's event loop — and openpyxl, with the numpy it pulls in,
is imported only when a file is written, not by every bot process at start.

Scope: the whole department, or one unit (heads and officers export only their own unit's shares —
they may see the plan's public columns of a task, not another unit's status, evidence or notes).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.projection import ShareState
from domain.shares import Status, Workdays
from domain.units import UnitDirectory
from services.errors import NoPlan
from services.projection_service import ProjectionService
from services.review_service import (
    ACCEPTED,
    PENDING,
    RETURNED,
    EvidenceView,
    Verification,
    evidence_view,
)
from storage.uow import UnitOfWorkFactory

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_RANGES = {
    "Q1": ((1, 1), (3, 31)),
    "Q2": ((4, 1), (6, 30)),
    "H1": ((1, 1), (6, 30)),
    "Q3": ((7, 1), (9, 30)),
    "Y": ((1, 1), (12, 31)),
}



# -- read model -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UpdateRow:
    id: int
    lead_id: int
    unit_id: str
    task_number: int
    status: str
    percent: int | None
    note: str | None
    at: dt.datetime  # local time
    who: str
    channel: str


@dataclass
class Share:
    """One lead unit's share of one assignment, with what the report says about it: status, percent,
    lateness and completion as the projection (domain/projection.py) states them on the export's day."""

    lead_id: int
    unit_id: str
    status: str
    percent: int | None
    overdue: bool
    verification: Verification
    latest: UpdateRow | None
    evidence: list[EvidenceView] = field(default_factory=list)
    state: ShareState | None = None

    @property
    def updated(self) -> bool:
        return self.state.updated if self.state is not None else self.latest is not None

    @property
    def done_on(self) -> dt.date | None:
        return self.state.done_on if self.state is not None else None

    @property
    def done_late(self) -> bool:
        return bool(self.state and self.state.done_late)


@dataclass
class AssignmentRow:
    position: int
    lead: list[str]
    coordinating: list[str]
    external: list[str]
    products: list[str]
    scope: str | None
    deadline_text: str
    shares: list[Share]


@dataclass
class TaskRow:
    number: int
    section: int
    title: str
    assignments: list[AssignmentRow]


# A target figure reported in scope: (code, period, value, numerator, denominator, unit, who, at, channel).
FigureRow = tuple[str, str, float | None, int | None, int | None, str | None, str, dt.datetime, str | None]


@dataclass
class ReportData:
    year: int
    title: str
    issuer: str
    generated_at: dt.datetime
    unit_id: str | None  # None = the whole department
    sections: list[tuple[int, str, str]]
    tasks: list[TaskRow]
    updates: list[UpdateRow]  # in scope, oldest first
    evidence: list[EvidenceView]  # in scope, oldest first
    department_total: Counter[str] = field(default_factory=Counter)  # always the whole department
    # Target figures reported in scope (code, period, value, numerator, denominator, unit, who, at, channel).
    figures: list[FigureRow] = field(default_factory=list)

    def shares(self) -> Iterable[tuple[TaskRow, AssignmentRow, Share]]:
        for task in self.tasks:
            for a in task.assignments:
                for share in a.shares:
                    yield task, a, share


@dataclass
class ExportResult:
    path: Path
    tasks: int
    rows: int
    sheets: list[str]
    period_rows: int
    load_seconds: float
    write_seconds: float


def period_range(period: str, year: int) -> tuple[dt.date, dt.date]:
    (m1, d1), (m2, d2) = PERIOD_RANGES[period]
    return dt.date(year, m1, d1), dt.date(year, m2, d2)


def tally(counter: Counter[str], share: Share) -> None:
    """Share counts (phần việc) of the summary sheet; «chưa thực hiện» only where the unit said so."""
    counter["total"] += 1
    counter[share.status] += 1
    if share.status == Status.NOT_STARTED:
        counter["not_started_said" if share.updated else "not_updated"] += 1
    if share.overdue:
        counter["overdue"] += 1
    if share.done_late:
        counter["done_late"] += 1
    if share.verification.verified(share.status):
        counter["verified"] += 1


class WorkbookWriter(Protocol):
    def __call__(self, data: ReportData, path: Path, units: UnitDirectory, period: str | None = None) -> ExportResult:
        """Write the workbook of `data` to `path` (atomically) and say what it holds."""
        ...


class ExportService:
    def __init__(
        self, uow: UnitOfWorkFactory, units: UnitDirectory, tz: ZoneInfo, write: WorkbookWriter, workdays: Workdays,
        projections: ProjectionService,
    ) -> None:
        self.uow = uow
        self.units = units
        self.tz = tz
        self.write = write  # presentation/export_workbook.write_workbook, given by the bootstrap
        self.workdays = workdays
        self.projections = projections  # every status, lateness and count of the workbook comes from it


    def local(self, at: dt.datetime) -> dt.datetime:
        """Aware times are converted; naive ones (SQLite drops the offset) are already local wall time,
        which is how the status service writes them."""
        return at.astimezone(self.tz).replace(tzinfo=None) if at.tzinfo else at

    def _localised(self, ev: EvidenceView) -> EvidenceView:
        return replace(
            ev, created_at=self.local(ev.created_at),
            reviewed_at=self.local(ev.reviewed_at) if ev.reviewed_at else None,
        )

    async def export(
        self, path: Path, *, now: dt.datetime, unit_id: str | None = None, period: str | None = None,
        year: int | None = None,
    ) -> ExportResult:
        started = time.perf_counter()
        data = await self.load(now=now, unit_id=unit_id, year=year)
        loaded = time.perf_counter()
        result = await asyncio.to_thread(self.write, data, Path(path), self.units, period)
        result.load_seconds = loaded - started
        result.write_seconds = time.perf_counter() - loaded
        return result

    async def load(self, *, now: dt.datetime, unit_id: str | None = None, year: int | None = None) -> ReportData:
        """Everything the workbook shows of `year`'s plan (None: the current plan), as of `now`."""
        today = self.local(now).date()
        states = (await self.projections.at(today, year=year)).by_lead()
        async with self.uow() as uow:
            plan = await (uow.plans.plan_by_year(year) if year is not None else uow.plans.current_plan())
            if plan is None:
                raise NoPlan(year)
            _, sections, tasks = await uow.plans.load_full(plan.id)
            updates = [
                UpdateRow(
                    u.id, u.lead_id, unit, number, u.status, u.percent, u.note, self.local(u.created_at),
                    (who.display_name or f"#{who.id}") if who else "?", u.channel,
                )
                for u, unit, number, who in await uow.statuses.plan_history(plan.id, unit_id=unit_id)
            ]
            codes = {t.id: t.code for t in await uow.targets.targets(plan.id)}
            figures: list[FigureRow] = [
                (codes.get(f.target_id, "?"), f.period, f.value, f.numerator, f.denominator, f.unit_id, who or "?",
                 self.local(f.created_at), f.channel)
                for f, who in await uow.targets.figures(plan.id)
                if unit_id is None or f.unit_id == unit_id
            ]
            evidence = [
                self._localised(evidence_view(row))
                for row in await uow.review.evidence(plan.id, unit_ids=[unit_id] if unit_id is not None else None)
            ]
        latest: dict[int, UpdateRow] = {}
        for u in updates:
            if u.lead_id not in latest or u.id > latest[u.lead_id].id:
                latest[u.lead_id] = u
        files: dict[int, list[EvidenceView]] = defaultdict(list)
        for ev in evidence:
            files[ev.lead_id].append(ev)
        department: Counter[str] = Counter()
        task_rows: list[TaskRow] = []
        for task in tasks:
            rows = []
            for a in task.assignments:
                shares = []
                for lead in sorted(a.leads, key=lambda x: x.id):
                    state = states.get(lead.id)
                    if state is None:  # a share added by an import between the two reads: read next time
                        continue
                    mine = files.get(lead.id, [])
                    verification = Verification(
                        sum(1 for e in mine if e.review_state == ACCEPTED),
                        sum(1 for e in mine if e.review_state == PENDING),
                        sum(1 for e in mine if e.review_state == RETURNED),
                    )
                    share = Share(
                        lead.id, lead.unit_id, state.status.value, state.percent, state.overdue, verification,
                        latest.get(lead.id), mine, state,
                    )
                    tally(department, share)
                    if unit_id is None or lead.unit_id == unit_id:
                        shares.append(share)
                if unit_id is not None and not shares:
                    continue
                rows.append(
                    AssignmentRow(
                        a.position, list(a.lead or []), list(a.coordinating or []),
                        list(a.external_coordinating or []), list(a.products or []), a.scope,
                        a.deadline_text or "; ".join(m.text for m in a.milestones), shares,
                    )
                )
            if rows:
                task_rows.append(TaskRow(task.number, task.section_number, task.title, rows))
        return ReportData(
            year=plan.year, title=plan.title, issuer=plan.issuer, generated_at=self.local(now), unit_id=unit_id,
            sections=[(s.number, s.roman, s.title) for s in sections], tasks=task_rows, updates=updates,
            evidence=evidence, department_total=department, figures=figures,
        )
