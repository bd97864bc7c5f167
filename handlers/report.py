"""«soạn báo cáo CCHC quý 3», /baocao_cchc q3: the periodic CCHC report drafted from what units reported.

Coordinators, leaders and admins receive the whole department's Word draft (private chat only). A head
or officer receives their own unit's part as a short text — they may not read other units' detail.
"""

from __future__ import annotations

import datetime as dt

from conversation.context import Context
from conversation.registry import intent
from domain.messages import OutgoingFile, Reply
from domain.report_period import current_period
from presentation import report as text
from presentation.common import NO_PLAN
from services.access import may_draft_department_report
from services.errors import NoPlan
from services.outbox_files import prune
from services.report_files import DOCX_MIME, ReportTemplateError

KEEP_DRAFTS = dt.timedelta(days=1)


@intent("report_draft")
async def report_draft(ctx: Context) -> list[Reply]:
    user = ctx.sender
    period = (ctx.nlu.report or current_period(ctx.today)).upper()
    try:
        if not may_draft_department_report(user):  # a unit sees its own part, in chat
            draft = await ctx.app.reports.draft(period, unit_id=user.unit_id)
            return [Reply(text.unit_summary(draft, ctx.app.units.name(user.unit_id)), private_only=True)]
        folder = ctx.app.config.data_dir / "exports"
        path = folder / f"du-thao-bao-cao-cchc-{period.lower()}-{ctx.now:%Y%m%d-%H%M%S}-{user.id}.docx"
        draft, path, _ = await ctx.app.reports.write(period, path)
    except NoPlan:
        return ctx.reply(NO_PLAN)
    except ReportTemplateError as exc:
        return ctx.reply(text.template_broken(str(exc)))
    prune(folder, "du-thao-bao-cao-cchc-*.docx", KEEP_DRAFTS)  # sent once; gone a day later
    name = f"du-thao-bao-cao-cchc-{period.lower()}-{draft.year}.docx"
    return [
        Reply(text.sent(draft), private_only=True),
        Reply(file=OutgoingFile(path, name, DOCX_MIME, text.caption(draft)), private_only=True),
    ]
