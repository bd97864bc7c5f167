"""`cchc-bot report draft --period P [--year N] --out PATH.docx [--json] [--evidence-annex PATH.xlsx]
[--signer deputy|director]` (docs/contracts.md §5): the periodic CCHC report drafted from the plan, statuses,
evidence and target figures as they stood at the period's cut-off."""

from __future__ import annotations

import json

from bot.bootstrap import App
from bot.cli import CliError, check_year, output_path, register, stored_plan_year, writing
from services.errors import NoPlan
from services.report_files import ReportTemplateError


@register("report draft")
async def cmd_report_draft(app: App, args) -> int:
    out = output_path(args.out, ".docx")
    annex = output_path(args.evidence_annex, ".xlsx") if args.evidence_annex else None
    check_year(args.year, await stored_plan_year(app), app.clock.today().year)
    try:
        with writing(args.out):
            draft, path, _render_seconds = await app.reports.write(args.period, out, args.year, signer=args.signer)
        if annex is not None:
            with writing(args.evidence_annex):
                await app.reports.write_evidence_annex(args.period, annex, args.year)
    except NoPlan:
        which = f"năm {args.year}" if args.year else "nào"
        raise CliError(f"chưa có kế hoạch {which} trong cơ sở dữ liệu — chạy `cchc-bot plan import PATH` trước") from None
    except ReportTemplateError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        document = {"path": str(path), **await app.reports.summary_json(draft)}
        if annex is not None:
            document["evidence_annex"] = str(annex)
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(path)
    return 0
