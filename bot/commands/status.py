"""`cchc-bot status --at DATE [--unit UNIT_ID] [--year YEAR] --json`: every share as it stood at the end of DATE, from
the recorded history alone (docs/contracts.md §7) — the plan of the date's year
unless --year names another — the projection every other output agrees with."""

from __future__ import annotations

import json

from bot.bootstrap import App
from bot.cli import CliError, register
from presentation.common import no_plan
from services.errors import NoPlan


@register("status")
async def cmd_status(app: App, args) -> int:
    if args.unit is not None and app.units.get(args.unit) is None:
        raise CliError(f"không có đơn vị «{args.unit}» (xem `units.yaml`)")
    try:
        document = await app.projections.status_json(args.at, unit_id=args.unit, year=args.year)
    except NoPlan:
        raise CliError(no_plan(args.year)) from None
    print(json.dumps(document, ensure_ascii=False))
    return 0
