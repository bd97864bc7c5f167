"""'Khi nào nộp báo cáo CCHC quý 3?': due dates of the periodic reports from the reporting calendar.

A report is identified by its **type and period** together: the CCHC report (task 5 of the plan:
Quý I, 6 tháng, Quý III, năm) and the TTHC-control report (task 7: Quý I, Quý II, Quý III, năm).
The mid-year period is one thing under two names — the CCHC report's «6 tháng» is its Quý II, the
TTHC report's «Quý II» is its «6 tháng» — so either name finds the report of the type asked for (or
both reports when no type is named). A past date reads «đã qua», or «đã nộp» once the asker's share
of the report's task has that milestone done.
"""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from domain.reporting import ReportDate
from presentation import reports as texts
from services.access import visible_units
from services.errors import NoPlan

# the plan's task that produces each periodic report
REPORT_TASKS = {"cchc": 5, "kiem-soat-tthc": 7}
MID_YEAR = frozenset({"H1", "Q2"})


def _matches(d: ReportDate, wanted: str | None, kind: str | None) -> bool:
    if kind is not None and d.report != kind:
        return False
    if wanted is None:
        return True
    return d.period == wanted or (wanted in MID_YEAR and d.period in MID_YEAR)


@intent("report_schedule")
async def report_schedule(ctx: Context) -> list[Reply]:
    calendar = ctx.app.reporting
    year = ctx.today.year
    wanted = ctx.nlu.report
    kind = getattr(ctx.nlu, "report_kind", None)
    dates = [d for d in calendar.all_dates(year) if _matches(d, wanted, kind)]
    if not dates:
        return ctx.reply(texts.NOT_IN_CALENDAR)
    if wanted is None:  # the whole calendar: upcoming first, then the ones already past
        dates.sort(key=lambda d: (d.due < ctx.today, d.due))
    done = await _done(ctx, dates)
    lines = [texts.calendar_title(year, whole=wanted is None)]
    lines.extend(texts.report_line(d, ctx.today, ctx.app.workdays, done.get((d.report, d.period))) for d in dates)
    lines.append(texts.BASIS)
    return ctx.reply("\n".join(lines))


async def _done(ctx: Context, dates: list[ReportDate]) -> dict[tuple[str, str], bool]:
    """Whether the asker's unit (everyone's, for those who follow every unit) has the past reports done."""
    past = [d for d in dates if d.due < ctx.today]
    if not past:
        return {}
    unit_ids = visible_units(ctx.sender)
    wanted = sorted({REPORT_TASKS[d.report] for d in past if d.report in REPORT_TASKS})
    try:  # the report tasks' shares (the asker's unit's, or everyone's) in one read
        found = await ctx.app.queries.leads(unit_ids=unit_ids, tasks=wanted)
    except NoPlan:
        return {}
    out: dict[tuple[str, str], bool] = {}
    for report, task in REPORT_TASKS.items():
        mine = [d for d in past if d.report == report]
        leads = [lead for lead in found if lead.task_number == task]
        for d in mine:
            shares: list[bool] = []
            for lead in leads:
                ms = [m for m in lead.milestones if m.period == d.period] or [
                    m for m in lead.milestones if m.due is not None and m.due.month == d.due.month
                ]
                shares.extend(lead.milestone_done(m) for m in ms)
            out[(d.report, d.period)] = bool(shares) and all(shares)
    return out
