"""'Tiến độ chung của Sở', 'thanh tra làm đến đâu rồi', /tiendo: counts per status for a unit or everyone,
per unit and per reform area, with a PNG chart sent as a photo.

Who sees what: coordinators, leaders and admins see every unit; a head or officer sees their own unit
and the department total (aggregates reveal no other unit's detail) — asking for another unit gets the
own-unit answer and a sentence saying why.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from conversation.context import Context
from conversation.registry import intent
from domain.messages import OutgoingFile, Reply
from services.charts import area_label, cached_progress_chart, chart_dir, tally_leads
from services.query_service import NoPlan

log = logging.getLogger(__name__)


def summary(counts: Counter, verified: int | None = None) -> str:
    total = counts.get("total", 0)
    done = counts.get("done", 0)
    share = f"{round(100 * done / total)}%" if total else "0%"
    checked = f" ({verified} đã xác nhận)" if verified is not None else ""
    return (
        f"✅ {done} hoàn thành{checked} · 🔄 {counts.get('in_progress', 0)} đang làm · ⚠️ {counts.get('blocked', 0)} vướng · "
        f"⬜ {counts.get('not_started', 0)} chưa làm · ❗ {counts.get('overdue', 0)} trễ hạn — {share} của {total} phần việc"
    )


@intent("progress")
async def progress(ctx: Context) -> list[Reply]:
    app, user = ctx.app, ctx.user
    units = app.units
    unit = ctx.nlu.unit
    refusal = ""
    if unit and not user.sees_all_units and unit != user.unit_id:
        refusal = (
            f"Anh/chị xem được tiến độ của {units.name(user.unit_id)} và toàn Sở; tiến độ của "
            f"{units.name(unit)} do Văn phòng Sở theo dõi.\n\n"
        )
        unit = user.unit_id
    try:
        leads = await app.queries.leads()
        sections = await app.queries.targets()
    except NoPlan:
        return ctx.reply("Chưa có kế hoạch CCHC nào được nạp. Văn phòng Sở cần nạp kế hoạch trước.")
    by_unit, _, total = tally_leads(leads, ctx.today)
    subject = [lead for lead in leads if unit is None or lead.unit_id == unit]
    _, subject_areas, subject_total = tally_leads(subject, ctx.today)
    checks = await app.review.verification([lead.lead_id for lead in subject])
    verified = sum(1 for lead in subject if lead.lead_id in checks and checks[lead.lead_id].verified(lead.status))
    order = {u.id: i for i, u in enumerate(units.units)}

    if unit:
        lines = [f"{refusal}**Tiến độ của {units.name(unit)}**\n{summary(subject_total, verified)}"]
        lines.append(f"Toàn Sở: {summary(total)}")
        bars = [(units.name(unit), subject_total), ("Toàn Sở", total)]
    else:
        lines = [f"**Tiến độ toàn Sở**\n{summary(total, verified)}"]
        if user.sees_all_units:
            lines.append("\n**Theo đơn vị**")
            ids = sorted(by_unit, key=lambda u: (order.get(u, 999), u))
            lines.extend(f"• {units.name(u)}: {summary(by_unit[u])}" for u in ids)
            bars = [(units.name(u), by_unit[u]) for u in ids]
        else:
            own = by_unit.get(user.unit_id, Counter())
            lines.append(f"\n**{units.name(user.unit_id)}**: {summary(own)}")
            bars = [(units.name(user.unit_id), own), ("Toàn Sở", total)]
    titles = {number: area_label(_roman(number), title) for number, title, _ in sections}
    areas = [(titles.get(n, str(n)), subject_areas[n]) for n in sorted(subject_areas)]
    lines.append("\n**Theo lĩnh vực cải cách**" + (f" — {units.name(unit)}" if unit else ""))
    lines.extend(f"• {name}: {counts.get('done', 0)}/{counts.get('total', 0)} xong, "
                 f"{counts.get('overdue', 0)} trễ hạn" for name, counts in areas)
    replies = [Reply("\n".join(lines))]
    chart = await _chart(ctx, unit, bars, areas)
    if chart is not None:
        replies.append(chart)
    return replies


async def _chart(ctx: Context, unit: str | None, bars, areas) -> Reply | None:
    """The chart as a photo; a failure to draw never costs the user the text answer."""
    who = ctx.app.units.name(unit) if unit else "toàn Sở"
    plan = await ctx.app.queries.plan_info()
    year = plan[1] if plan else ctx.today.year
    when = ctx.today.strftime("%d/%m/%Y")
    try:
        path = await asyncio.to_thread(
            cached_progress_chart, chart_dir(ctx.app.config.data_dir),
            title=f"Tiến độ Kế hoạch CCHC năm {year} — {who}", subtitle=f"đến ngày {when}", by_unit=bars, by_area=areas,
        )
    except Exception:
        log.exception("progress chart failed")
        return None
    caption = f"Biểu đồ tiến độ — {who}, đến ngày {when}"
    return Reply(file=OutgoingFile(path, "tien-do.png", "image/png", caption, as_photo=True))


def _roman(number: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")[number - 1] if 1 <= number <= 10 else str(number)
