"""What the web view shows: the plan at a glance (per reform area, per unit), the period's deadlines,
late work, targets; one unit's shares. Plain data for the web templates; wording lives in `web/`.

Built on `QueryService.leads(today=…)`, the projection of every share at the end of the day
(domain/projection.py), so the dashboard, the chat's «tiến độ», the export and `cchc-bot status` can
never count differently. Cards count shares (phần việc); the late list lists milestones (mốc).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from domain.projection import effective_due
from domain.shares import Workdays
from domain.units import UnitDirectory
from services.plan_service import PlanService
from services.query_service import QueryService
from services.views import LeadView, MilestoneView

STATUSES = ("done", "in_progress", "blocked", "not_started")
STATUS_FILTERS = (*STATUSES, "late")
PERIODS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "Q1": ((1, 1), (3, 31)), "Q2": ((4, 1), (6, 30)), "Q3": ((7, 1), (9, 30)), "Q4": ((10, 1), (12, 31)),
    "H1": ((1, 1), (6, 30)), "H2": ((7, 1), (12, 31)), "Y": ((1, 1), (12, 31)),
}
ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
LATE_LIMIT = 60  # rows of late work on one page (the «Trễ hạn» filter and the Excel export have them all)


@dataclass(frozen=True)
class Filters:
    unit: str | None = None
    area: int | None = None
    status: str | None = None
    period: str | None = None  # Q1..Q4, H1, H2, Y; None = the current quarter
    year: int | None = None  # the plan's year; None = the current plan

    def admits(self, lead: LeadView, late: bool) -> bool:
        if self.unit and lead.unit_id != self.unit:
            return False
        if self.area and lead.section != self.area:
            return False
        if self.status == "late":
            return late
        return not self.status or lead.status == self.status


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, lead: LeadView, late: bool) -> None:
        """Count one share (phần việc); `late`: the share is overdue (the projection's rule)."""
        self.counts[lead.status] += 1
        self.counts["total"] += 1
        if late:
            self.counts["late"] += 1
        if not lead.updated:
            self.counts["not_updated"] += 1

    def __getitem__(self, key: str) -> int:
        return self.counts[key]

    @property
    def total(self) -> int:
        return self.counts["total"]

    @property
    def done_percent(self) -> int:
        return round(100 * self.counts["done"] / self.total) if self.total else 0


@dataclass(frozen=True)
class DueRow:
    task_number: int
    task_title: str
    unit_id: str
    label: str
    text: str
    due: dt.date | None
    status: str
    percent: int | None
    late: bool
    done: bool
    days_late: int = 0
    effective_due: dt.date | None = None  # the one date printed: a deadline on a day off moves before it
    updated: bool = True


@dataclass(frozen=True)
class AreaRow:
    number: int
    roman: str
    title: str
    tally: Tally


@dataclass(frozen=True)
class UnitRow:
    unit_id: str
    name: str
    tally: Tally


@dataclass
class Overview:
    year: int
    today: dt.date
    filters: Filters
    period: str
    period_range: tuple[dt.date, dt.date]
    total: Tally
    areas: list[AreaRow]
    units: list[UnitRow]
    deadlines: list[DueRow]
    late: list[DueRow]
    late_total: int
    targets: list[tuple[int, str, str, list[str]]]
    years: list[int] = field(default_factory=list)  # every stored year's plan (the page's year selector)
    current: bool = True  # the plan shown is the current one


@dataclass
class UnitPage:
    unit_id: str
    name: str
    tally: Tally
    shares: list[tuple[LeadView, list[DueRow]]]


def current_quarter(today: dt.date) -> str:
    return f"Q{(today.month - 1) // 3 + 1}"


def period_range(period: str, year: int) -> tuple[dt.date, dt.date]:
    (m1, d1), (m2, d2) = PERIODS[period]
    return dt.date(year, m1, d1), dt.date(year, m2, d2)


def _row(lead: LeadView, m: MilestoneView, today: dt.date, workdays: Workdays) -> DueRow:
    """One milestone's row; days late count from the working day it was really due."""
    late = lead.overdue(m, today, workdays)
    due = effective_due(m.due, workdays)
    return DueRow(
        lead.task_number, lead.task_title, lead.unit_id, m.label, m.text, m.due, lead.status, lead.percent,
        late, lead.milestone_done(m), (today - due).days if late and due else 0, due, lead.updated,
    )


class DashboardService:
    def __init__(self, queries: QueryService, plans: PlanService, units: UnitDirectory) -> None:
        self.queries = queries
        self.plans = plans
        self.units = units

    async def overview(self, today: dt.date, filters: Filters, *, only_unit: str | None = None) -> Overview | None:
        """The overview of `filters.year`'s plan (None: the current plan, remembered for a few seconds: no
        query per page); `only_unit` restricts everything to one unit (heads and officers)."""
        current = await self.plans.current_version()
        version = await self.plans.version(filters.year) if filters.year is not None else current
        if version is None:
            return None
        _, year, _ = version
        past = current is not None and version[0] != current[0]
        period = filters.period if filters.period in PERIODS else (current_quarter(today) if not past else "Y")
        start, end = period_range(period, year)
        sections = await self.plans.sections(version[0])
        leads = await self.queries.leads(
            unit_ids=[only_unit] if only_unit else None, today=today, year=year if past else None
        )
        wd = self.plans.workdays
        total = Tally()
        areas = {n: AreaRow(n, ROMAN[n] if n < len(ROMAN) else str(n), title, Tally()) for n, title, _ in sections}
        units: dict[str, UnitRow] = {}
        deadlines: list[DueRow] = []
        late: list[DueRow] = []
        for lead in leads:
            is_late = any(lead.overdue(m, today, wd) for m in lead.milestones)
            if not filters.admits(lead, is_late):
                continue
            total.add(lead, is_late)
            area = areas.get(lead.section)
            if area is None:
                area = areas[lead.section] = AreaRow(lead.section, str(lead.section), "", Tally())
            area.tally.add(lead, is_late)
            unit = units.get(lead.unit_id)
            if unit is None:
                unit = units[lead.unit_id] = UnitRow(lead.unit_id, self.units.name(lead.unit_id), Tally())
            unit.tally.add(lead, is_late)
            for m in lead.milestones:
                if m.due is None:
                    continue
                row = _row(lead, m, today, wd)
                if row.effective_due is not None and start <= row.effective_due <= end:
                    deadlines.append(row)
                if row.late:
                    late.append(row)
        deadlines.sort(key=lambda r: (r.effective_due or r.due or dt.date.max, r.task_number, r.unit_id))
        late.sort(key=lambda r: (-(r.effective_due or dt.date.min).toordinal(), r.task_number, r.unit_id))
        unit_rows = sorted(units.values(), key=lambda u: (-u.tally["late"], u.tally.done_percent, u.name))
        targets = [
            (n, ROMAN[n] if n < len(ROMAN) else str(n), title, list(items))
            for n, title, items in sections if items and (not filters.area or n == filters.area)
        ]
        return Overview(
            year, today, filters, period, (start, end), total,
            [a for a in sorted(areas.values(), key=lambda a: a.number) if a.tally.total],
            unit_rows, deadlines, late if filters.status == "late" else late[:LATE_LIMIT], len(late), targets,
            await self.plans.stored_years(), not past,
        )

    async def unit_page(self, unit_id: str, today: dt.date) -> UnitPage:
        tally = Tally()
        shares = []
        for lead in await self.queries.leads(unit_ids=[unit_id], today=today):
            rows = [_row(lead, m, today, self.plans.workdays) for m in lead.milestones]
            tally.add(lead, any(r.late for r in rows))
            shares.append((lead, rows))
        shares.sort(key=lambda s: (not any(r.late for r in s[1]), s[0].task_number, s[0].assignment_position))
        return UnitPage(unit_id, self.units.name(unit_id), tally, shares)
