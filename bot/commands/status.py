"""`cchc-bot status --at DATE [--unit UNIT_ID] [--year YEAR] --json`: every share as it stood at the end of DATE, from
the recorded history alone (docs/contracts.md §7) — the plan of the date's year
unless --year names another — the projection every other output agrees with."""

from __future__ import annotations

import json

from bot.bootstrap import App
from bot.cli import CliError, register
from services.projection_service import NoPlan


@register("status")
async def cmd_status(app: App, args) -> int:
    if args.unit is not None and app.units.get(args.unit) is None:
        raise CliError(f"không có đơn vị «{args.unit}» (xem `units.yaml`)")
    try:
        document = await app.projections.status_json(args.at, unit_id=args.unit, year=args.year)
    except NoPlan:
        if args.year is not None:
            raise CliError(f"chưa có kế hoạch năm {args.year} — xem `cchc-bot plan years`") from None
        raise CliError("chưa có kế hoạch trong cơ sở dữ liệu — chạy `cchc-bot plan import PATH` trước") from None
    print(json.dumps(document, ensure_ascii=False))
    return 0
