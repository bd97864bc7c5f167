"""The periodic CCHC report drafted from what the units reported (docs/report.md, docs/contracts.md §5).

`draft()` reads the plan, the recorded status history, the accepted evidence and the target figures, and
states them **as they stood at the period's cut-off** (`domain.report_period`): the shares' states and
every count are the one projection (`domain.projection`) at the end of the cut-off day, so the report, the
chat, the export, the web view and `cchc-bot status --at` agree. `services.report_build` sorts the shares
into the outline. The words and the documents are presentation's, handed in by the bootstrap: the outline's
words (`presentation.report_words`), the Word renderer (`presentation.report_document`, docxtpl) and the
evidence annex (`presentation.evidence_annex`); this module has neither Word nor wording in it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from domain.projection import PlanMilestone, PlanShare, Projection, RecordedUpdate, project
from domain.report_period import ReportPeriod, report_period
from domain.reporting import ReportingCalendar
from domain.shares import ReviewState, Workdays
from domain.units import UnitDirectory
from services.errors import NoPlan
from services.projection_service import ProjectionService, share_json
from services.report_build import AcceptedEvidence, Blocked, OutlineWords, PlanFacts, SectionFacts, build
from services.report_model import AnnexRow, ReportDraft
from services.review_service import EvidenceView, evidence_view
from services.target_service import TargetService
from storage.uow import UnitOfWorkFactory

__all__ = ["NoPlan", "ReportDraft", "ReportService"]


class DraftRenderer(Protocol):
    def __call__(self, draft: ReportDraft, template: Path, out: Path) -> Path:
        """Render `draft` through the Word `template` into `out` (atomically)."""
        ...


class AnnexWriter(Protocol):
    def __call__(self, rows: Sequence[AnnexRow], rp: ReportPeriod, out: Path) -> Path:
        """Write the evidence annex of the report of `rp` into `out` (atomically)."""
        ...


class ReportService:
    def __init__(
        self, uow: UnitOfWorkFactory, units: UnitDirectory, reporting: ReportingCalendar, targets: TargetService,
        tz: ZoneInfo, template: Path, workdays: Workdays, projections: ProjectionService | None = None, *,
        words: OutlineWords, render: DraftRenderer, write_annex: AnnexWriter,
    ) -> None:
        self.words = words  # presentation.report_words.REPORT_WORDS
        self.render = render  # presentation.report_document.render, imported on first use
        self.write_annex = write_annex  # presentation.evidence_annex.write_annex
        self.projections = projections  # the one projection (docs/contracts.md §7)
        self.workdays = workdays
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
            return int(plan.year)

    async def draft(
        self, period: str, year: int | None = None, *, unit_id: str | None = None, signer: str = "deputy"
    ) -> ReportDraft:
        started = time.perf_counter()
        year = await self.plan_year(year)
        rp = report_period(self.reporting, period, year)
        until = dt.datetime.combine(rp.cutoff + dt.timedelta(days=1), dt.time())  # end of the cut-off day
        _, _, target_rows = await self.targets.status(period=rp.period, today=rp.cutoff, until=until, year=year)
        async with self.uow() as uow:  # ORM rows are read inside the transaction that loaded them
            plan = await uow.plans.plan_by_year(year)
            if plan is None:
                raise NoPlan(year)
            latest = await uow.plans.current_plan()
            current = self.projections is not None and latest is not None and latest.id == plan.id
            _, sections, tasks = await uow.plans.load_full(plan.id)
            lead_ids = [lead.id for t in tasks for a in t.assignments for lead in a.leads]
            history = [u for u, _user in await uow.statuses.history(lead_ids)] if lead_ids else []
            evidence_rows = await uow.review.evidence(plan.id, state=ReviewState.ACCEPTED.value)
            facts = self._facts(plan, sections, tasks)
            inputs = self._inputs(tasks, history)
            notes = self._notes(history, until)
            accepted = self._accepted(evidence_rows, until)
        evidence = [AcceptedEvidence(e.task_number, e.section, e.unit_id, self._label(e),
                                     self.local(e.created_at).date())
                    for e in accepted]
        projection = await self._projection(inputs, rp.cutoff, year, current=current)
        order = {u.id: i for i, u in enumerate(self.units.units)}
        draft = build(rp, facts, projection, notes=notes, evidence=evidence, targets=target_rows,
                      unit_name=self.units.name, unit_order=order, words=self.words, unit_id=unit_id,
                      signer=signer, department=self.units.department)
        draft.projection = projection
        draft.load_seconds = time.perf_counter() - started
        return draft

    async def summary_json(self, draft: ReportDraft) -> dict[str, Any]:
        """What `report draft --json` prints besides the path (docs/contracts.md §5): the counts and shares
        of the projection at the cut-off — the numbers the document states — and the targets' figures."""
        projection = draft.projection
        assert projection is not None
        return {
            "period": draft.period, "year": draft.year, "cut_off": draft.cutoff.isoformat(),
            "counts": projection.counts().as_contract(),
            "shares": [share_json(s) for s in projection.shares],
            "targets": [{"code": t.code, "name": t.text, "goal": t.goal_value, "period": t.period,
                         "value": t.value} for t in draft.targets],
        }

    async def write_evidence_annex(self, period: str, out: Path, year: int | None = None) -> Path:
        """Every evidence file accepted by the period's cut-off, in an Excel workbook (presentation.evidence_annex)."""
        year = await self.plan_year(year)
        rp = report_period(self.reporting, period, year)
        until = dt.datetime.combine(rp.cutoff + dt.timedelta(days=1), dt.time())
        async with self.uow() as uow:
            plan = await uow.plans.plan_by_year(year)
            if plan is None:
                raise NoPlan(year)
            romans = {s.number: s.roman for s in await uow.plans.sections(plan.id)}
            accepted = self._accepted(await uow.review.evidence(plan.id, state=ReviewState.ACCEPTED.value), until)
        rows = [
            AnnexRow(romans.get(e.section, ""), e.task_number, e.task_title, self._label(e), self.units.name(e.unit_id),
                     self.local(e.created_at).date(), e.uploader or "",
                     self.local(e.reviewed_at).date() if e.reviewed_at else None, e.reviewer or "", e.size, e.sha256)
            for e in sorted(accepted, key=lambda e: (e.section, e.task_number, e.created_at))
        ]
        return await asyncio.to_thread(self.write_annex, rows, rp, out)

    def _label(self, ev: EvidenceView) -> str:
        return self.words.file_label(ev.file_name, ev.caption, ev.id)

    @staticmethod
    def _facts(plan: Any, sections: Sequence[Any], tasks: Sequence[Any]) -> PlanFacts:
        return PlanFacts(
            year=plan.year, title=plan.title, issuer=plan.issuer, number=plan.number,
            date=plan.signed,
            sections=tuple(SectionFacts(s.number, s.roman, s.title) for s in sections),
            task_titles={t.number: t.title for t in tasks},
            milestone_words={m.id: m.text for t in tasks for a in t.assignments for m in a.milestones},
        )

    async def _projection(
        self, inputs: tuple[list[PlanShare], list[RecordedUpdate]], at: dt.date, year: int, *, current: bool
    ) -> Projection:
        """The one projection at the end of `at`: the projection service's for the current plan; for
        another (a past year's report), the same pure `project` fed from the rows this draft read."""
        if current and self.projections is not None:
            projection = await self.projections.at(at)
            if projection.plan_year == year:
                return projection
        shares, updates = inputs
        return project(shares, updates, at, self.workdays, plan_year=year)

    def _inputs(self, tasks: Sequence[Any], history: Sequence[Any]) -> tuple[list[PlanShare], list[RecordedUpdate]]:
        shares = [
            PlanShare(
                lead.id, t.number, lead.unit_id, a.id,
                tuple(PlanMilestone(m.id, m.label, m.kind, m.due, i) for i, m in enumerate(a.milestones)),
                t.section_number, a.position,
            )
            for t in tasks for a in t.assignments for lead in sorted(a.leads, key=lambda x: x.id)
        ]
        updates = [
            RecordedUpdate(u.lead_id, u.status, u.percent, self.local(u.created_at).date(), u.milestone_id)
            for u in history
        ]
        return shares, updates

    def _notes(self, history: Sequence[Any], until: dt.datetime) -> dict[int, Blocked]:
        """The words of each share's latest «vướng» report made by the cut-off (quoted in III and V)."""
        notes: dict[int, Blocked] = {}
        for u in history:
            at = self.local(u.created_at)
            if at < until and u.status == "blocked":
                notes[u.lead_id] = Blocked((u.note or u.original_text or "").strip(), at.date())
        return notes

    def _accepted(self, rows: Sequence[Any], until: dt.datetime) -> list[EvidenceView]:
        """Evidence accepted by the cut-off (sent and reviewed before its end); returned or pending files
        never reach the report or its annex."""
        out = []
        for row in rows:
            ev = evidence_view(row)
            sent = self.local(ev.created_at)
            reviewed = self.local(ev.reviewed_at) if ev.reviewed_at else sent
            if ev.review_state == ReviewState.ACCEPTED and sent < until and reviewed < until:
                out.append(ev)
        return out

    async def write(
        self, period: str, out: Path, year: int | None = None, *, template: Path | None = None,
        signer: str = "deputy",
    ) -> tuple[ReportDraft, Path, float]:
        """Draft the whole department's report and render it into `out` (a worker thread renders, so
        the bot's event loop never waits on Word); returns (draft, path, render seconds)."""
        draft = await self.draft(period, year, signer=signer)
        started = time.perf_counter()
        path = await asyncio.to_thread(self.render, draft, template or self.template, out)
        return draft, path, time.perf_counter() - started

    def period_of(self, period: str, year: int) -> ReportPeriod:
        return report_period(self.reporting, period, year)

