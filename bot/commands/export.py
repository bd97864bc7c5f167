"""`cchc-bot export xlsx PATH [--period Q1|Q2|H1|Q3|Q4|Y]`: the whole department's report workbook.

The operator on the server is trusted with every unit's detail (the chat command limits heads and
officers to their own unit; the CLI has no such person).
"""

from __future__ import annotations

from bot.bootstrap import App
from bot.cli import CliError, output_path, register, writing
from presentation.common import no_plan
from presentation.export_cells import PERIOD_TITLES
from services.errors import NoPlan


@register("export xlsx")
async def cmd_export_xlsx(app: App, args) -> int:
    path = output_path(args.path, ".xlsx")
    try:
        with writing(args.path):
            result = await app.exports.export(path, now=app.clock.now(), period=args.period, year=args.year)
    except NoPlan:
        raise CliError(no_plan(args.year)) from None
    period = f", kỳ {PERIOD_TITLES[args.period]}: {result.period_rows} phần việc hoàn thành" if args.period else ""
    print(
        f"Đã xuất {path}: {result.tasks} nhiệm vụ, {result.rows} dòng phụ lục{period}; "
        f"các trang: {', '.join(result.sheets)} ({result.load_seconds + result.write_seconds:.2f} s)."
    )
    return 0
