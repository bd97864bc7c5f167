"""The periodic CCHC report's content, shaped like the outline the province expects (docs/report.md).

Plain dataclasses only: `services.report_build` fills them from the one projection (`domain.projection`)
at the period's cut-off, with the words of their text fields handed in (`presentation.report_words`); the
template (docxtpl, `presentation.report_document`) lays them out. Every count here is a
`domain.projection.Counts` — nothing in the report counts shares itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from domain.projection import Counts, Projection


@dataclass(frozen=True)
class TargetLine:
    code: str
    text: str  # the plan's full wording
    goal: str  # «≥ 60%», «100%», «không định lượng»
    figure: str  # «57%», or "" when none
    fraction: str  # «4/7» or ""
    period_label: str  # «số liệu Quý III» when the annual view fell back to an earlier period, else ""
    verdict: str  # đạt | chưa đạt | chưa có số liệu | "" (qualitative)
    reported_by: str
    reported_on: dt.date | None
    late_figure: str  # «98%» typed after the cut-off for this period, else ""
    late_on: dt.date | None
    period: str  # the period the figure belongs to (Q1 … Y)
    value: float | None  # the number (the JSON's `value`)
    goal_value: float | None


@dataclass(frozen=True)
class AnnexRow:
    """One accepted evidence file in the report's evidence annex (`presentation.evidence_annex`)."""

    area: str  # the area's Roman numeral
    task: int
    title: str
    name: str
    unit: str
    sent: dt.date
    sender: str
    accepted: dt.date | None
    reviewer: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ShareLine:
    """One unit's share of one task, as a report sentence needs it."""

    task: int
    title: str
    unit_id: str
    unit: str
    status: str  # not_started | in_progress | blocked | done
    percent: int | None
    date: dt.date | None  # done: the day completed; blocked: the day reported
    milestone: str  # the milestone completed in the period when later ones remain, else ""
    late: bool  # completed after its due day
    note: str  # a blocker's own words


@dataclass(frozen=True)
class EvidenceLine:
    task: int
    unit: str
    name: str
    date: dt.date


@dataclass
class AreaPart:
    number: int  # its number in the report (II.1 … II.6; I for area I)
    plan_number: int  # the area's number in the plan (1 … 7)
    roman: str
    title: str
    counts: Counts
    targets: list[TargetLine] = field(default_factory=list)
    done: list[ShareLine] = field(default_factory=list)
    in_progress: list[ShareLine] = field(default_factory=list)
    blocked: list[ShareLine] = field(default_factory=list)
    evidence_accepted: int = 0
    evidence_top: list[EvidenceLine] = field(default_factory=list)


@dataclass(frozen=True)
class UnitState:
    unit: str
    status: str
    percent: int | None
    updated: bool  # False: nobody has reported on the share yet («chưa cập nhật»)


@dataclass(frozen=True)
class TaskDue:
    """A task carried into the next period, or overdue at the cut-off: its units and the milestone."""

    task: int
    title: str
    milestone: str  # the plan's words («Trước 20/12 hàng năm», «Quý III»)
    due: dt.date | None  # the effective due day (a day off moves it back to the working day before)
    units: list[UnitState]


@dataclass(frozen=True)
class CauseGroup:
    reason: str
    blockers: list[ShareLine]


@dataclass(frozen=True)
class IndicatorRow:
    """A periodic count of the statistics annex: the target figure that measures it, or a marked blank."""

    name: str
    code: str  # the target's code, "" when the plan has none for it
    value: str  # the figure, "" when a person must fill it in (the template marks it)


@dataclass(frozen=True)
class StatRow:
    roman: str
    title: str
    counts: Counts


@dataclass
class ReportDraft:
    year: int
    period: str
    period_title: str
    period_name: str  # «Quý III năm 2022», «6 tháng đầu năm 2022», «năm 2022»
    plan_title: str
    issuer: str
    province: str  # «Bình Định», from the unit directory's department («Sở Công Thương tỉnh Bình Định»)
    plan_number: str  # what the plan file states of its number («/KH-SCT»), "" when nothing
    plan_number_blank: bool  # a part is missing: the template puts the marker before it
    plan_date: str  # «/12/2021», likewise
    plan_date_blank: bool
    signer: str  # deputy («KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC») | director («GIÁM ĐỐC»)
    start: dt.date
    cutoff: dt.date
    due: dt.date | None
    next_title: str
    carry_start: dt.date  # the day after the cut-off
    next_start: dt.date
    next_end: dt.date
    unit_id: str | None  # None: the whole department
    counts: Counts
    tasks_done: int  # tasks done by every lead unit (the projection's `tasks_done`)
    tasks_total: int
    direction: AreaPart | None  # I. Công tác chỉ đạo, điều hành (the plan's area I)
    areas: list[AreaPart]  # II. the six reform areas
    achieved: list[TargetLine]
    overdue: list[TaskDue]
    blockers: list[ShareLine]
    causes: list[CauseGroup]
    carry_tasks: list[int]  # the tasks overdue or blocked at the cut-off, carried into the next period
    due_next: list[TaskDue]
    year_round: int  # open year-round shares carried on
    proposals: list[ShareLine]  # blockers that need the province
    stats: list[StatRow]
    targets: list[TargetLine]
    indicators: list[IndicatorRow]
    evidence_accepted: int
    blank: str  # the one marker of a blank a person fills in («[…cần bổ sung…]», presentation.report_words)
    load_seconds: float = 0.0
    # the projection the draft was filled from (`report draft --json`); not a template value
    projection: Projection | None = field(default=None, repr=False, metadata={"template": False})
