"""/xuatbaocao [q3]: the appendix with live statuses as an Excel file.

Coordinators, leaders and admins get the whole department (or the unit they name). Heads and officers get a workbook of their
own unit only — their shares' status, evidence and history, and the department total in the summary —
because they may not read other units' detail. The file is private (never posted into a group chat).
"""

from __future__ import annotations

import datetime as dt

from conversation.context import Context
from conversation.registry import intent
from domain.messages import OutgoingFile, Reply
from presentation import records as texts
from presentation.common import NO_PLAN, unit_name
from presentation.export_cells import PERIOD_TITLES
from services.access import unit_in_view
from services.errors import NoPlan
from services.export_service import PERIOD_RANGES, XLSX_MIME
from services.outbox_files import prune


@intent("export")
async def export(ctx: Context) -> list[Reply]:
    user = ctx.sender
    period = (getattr(ctx.nlu, "report", None) or "").upper() or None
    if period is not None and period not in PERIOD_RANGES:
        period = None
    asked = getattr(ctx.nlu, "unit", None)
    units = ctx.app.units
    in_view = unit_in_view(user, asked)
    if in_view.refused:  # an export of another unit is refused, not narrowed
        return ctx.reply(texts.export_other_unit(units.name(user.unit_id), units.name(in_view.refused)))
    unit = in_view.unit_id
    stamp = ctx.now.strftime("%Y%m%d-%H%M%S")
    scope = unit or "toan-so"
    folder = ctx.app.config.data_dir / "exports"
    path = folder / f"bao-cao-cchc-{scope}-{period or 'tong-hop'}-{stamp}-{user.id}.xlsx"
    try:
        result = await ctx.app.exports.export(path, now=ctx.now, unit_id=unit, period=period)
    except NoPlan:
        return ctx.reply(NO_PLAN)
    prune(folder, "bao-cao-cchc-*.xlsx", dt.timedelta(days=1))  # sent once; gone a day later
    who = unit_name(units, unit)
    title = PERIOD_TITLES[period] if period else None
    text = texts.export_done(
        who, result.tasks, result.rows, result.sheets, title, result.period_rows, bool(unit and not user.sees_all_units)
    )
    name = f"bao-cao-cchc-{scope}" + (f"-{period.lower()}" if period else "") + f"-{ctx.today:%Y%m%d}.xlsx"
    caption = texts.export_caption(who, title, ctx.today)
    return [
        Reply(text, private_only=True),
        Reply(file=OutgoingFile(path, name, XLSX_MIME, caption), private_only=True),
    ]
