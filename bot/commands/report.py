"""`cchc-bot report draft --period P [--year N] --out PATH.docx` (docs/contracts.md §5): the periodic CCHC report
drafted from the plan, statuses, evidence and target figures as they stood at the period's cut-off."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import App
from bot.cli import CliError, register
from presentation.common import no_plan
from services.errors import NoPlan
from services.report_files import ReportTemplateError


@register("report draft")
async def cmd_report_draft(app: App, args) -> int:
    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".docx":
        raise CliError(f"tệp báo cáo phải có đuôi .docx: {out}")
    if out.is_dir():
        raise CliError(f"{out} là một thư mục; cần tên tệp .docx")
    if not out.parent.exists():
        raise CliError(f"thư mục {out.parent} không tồn tại")
    try:
        _draft, path, _render_seconds = await app.reports.write(args.period, out, args.year)
    except NoPlan:
        raise CliError(no_plan(args.year)) from None
    except ReportTemplateError as exc:
        raise CliError(str(exc)) from None
    print(path)
    return 0
