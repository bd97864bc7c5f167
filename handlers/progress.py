"""'Tiến độ chung của Sở', 'thanh tra làm đến đâu rồi', /tiendo: counts per status for a unit or everyone,
per unit and per reform area, with a PNG chart sent as a photo.

Who sees what: coordinators, leaders and admins see every unit; a head or officer sees their own unit
first, then the department total (aggregates reveal no other unit's detail) — asking for another unit
gets the own-unit answer and a sentence saying why.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from conversation.context import Context
from conversation.registry import intent
from domain.messages import Reply
from handlers.plan_year import asked_year
from presentation import progress as texts
from presentation.charts import area_label, cached_progress_chart, chart_dir
from presentation.common import DEPARTMENT_BAR, NO_PLAN, unit_name
from presentation.years import with_year
from services.access import unit_in_view
from services.errors import NoPlan
from services.progress_counts import tally_leads

log = logging.getLogger(__name__)
summary = texts.summary


@intent("progress")
async def progress(ctx: Context) -> list[Reply]:
    app, user = ctx.app, ctx.sender
    units = app.units
    scope = unit_in_view(user, ctx.nlu.unit) if ctx.nlu.unit else None
    unit = scope.unit_id if scope else None
    refused = texts.refusal(units.name(user.unit_id), units.name(scope.refused)) if scope and scope.refused else ""
    year, refused_year = await asked_year(ctx)
    if refused_year is not None:
        return refused_year
    try:
        leads = await app.queries.leads(today=ctx.today, year=year)
        sections = await app.queries.targets(year)
    except NoPlan:
        return ctx.reply(NO_PLAN)
    by_unit, all_areas, total = tally_leads(leads, ctx.today, ctx.app.workdays)
    subject = [lead for lead in leads if unit is None or lead.unit_id == unit]
    if unit is None:  # the whole department: its tally is the one just made
        subject_areas, subject_total = all_areas, total
    else:
        _, subject_areas, subject_total = tally_leads(subject, ctx.today, ctx.app.workdays)
    checks = await app.review.verification([lead.lead_id for lead in subject])
    verified = sum(1 for lead in subject if lead.lead_id in checks and checks[lead.lead_id].verified(lead.status))
    order = {u.id: i for i, u in enumerate(units.units)}
    areas = [(n, subject_areas[n]) for n in sorted(subject_areas)]

    if unit:
        text = texts.unit_progress(refused, units.name(unit), subject_total, verified, total, areas)
        bars = [(units.name(unit), subject_total), (DEPARTMENT_BAR, total)]
    elif user.sees_all_units:
        ids = sorted(by_unit, key=lambda u: (order.get(u, 999), u))
        text = texts.department_progress(total, verified, [(units.name(u), by_unit[u]) for u in ids], None, areas)
        bars = [(units.name(u), by_unit[u]) for u in ids]
    else:
        own = by_unit.get(user.unit_id, Counter())
        text = texts.department_progress(total, verified, None, (units.name(user.unit_id), own), areas)
        bars = [(units.name(user.unit_id), own), (DEPARTMENT_BAR, total)]
    titles = {number: area_label(texts.roman(number), title) for number, title, _ in sections}
    chart_areas = [(titles.get(n, str(n)), counts) for n, counts in areas]
    replies = [Reply(with_year(text, year))]
    chart = await _chart(ctx, unit, bars, chart_areas, year)
    if chart is not None:
        replies.append(chart)
    return replies


async def _chart(ctx: Context, unit: str | None, bars, areas, year: int | None = None) -> Reply | None:
    """The chart as a photo; a failure to draw never costs the user the text answer."""
    who = unit_name(ctx.app.units, unit)
    plan = await ctx.app.queries.plan_info(year)
    year = plan[1] if plan else ctx.today.year
    when = ctx.today.strftime("%d/%m/%Y")
    try:
        path = await asyncio.to_thread(
            cached_progress_chart, chart_dir(ctx.app.config.data_dir),
            title=texts.chart_title(year, who), subtitle=texts.chart_subtitle(when), by_unit=bars, by_area=areas,
        )
    except Exception:
        log.exception("progress chart failed")
        return None
    return texts.chart(path, who, when)
