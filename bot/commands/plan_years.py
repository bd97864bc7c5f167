"""`cchc-bot plan years [--json]` and `cchc-bot plan close --year YEAR (--on DATE | --default)`: the stored
years' plans and the day after which a past year's plan only reads (docs/contracts.md §1)."""

from __future__ import annotations

import argparse
import json

from bot.bootstrap import App
from bot.cli import register
from services.plan_service import PlanYear


def _year_json(y: PlanYear) -> dict[str, object]:
    return {"year": y.year, "closes_on": y.closes_on.isoformat(), "current": y.current}


@register("plan years")
async def cmd_plan_years(app: App, args: argparse.Namespace) -> int:
    years = await app.plans.years()
    if args.json:
        print(json.dumps({"years": [_year_json(y) for y in years]}, ensure_ascii=False))
        return 0
    if not years:
        print("Chưa có kế hoạch nào — chạy `cchc-bot plan import TỆP`.")
    for y in years:
        mark = " (đang dùng)" if y.current else ""
        print(f"Năm {y.year}{mark}: nhận cập nhật muộn đến hết {y.closes_on:%d/%m/%Y}.")
    return 0


@register("plan close")
async def cmd_plan_close(app: App, args: argparse.Namespace) -> int:
    closed = await app.plans.close(args.year, None if args.default else args.on)
    print(
        f"Kế hoạch năm {closed.year} nhận cập nhật muộn đến hết {closed.closes_on:%d/%m/%Y}; "
        "sau ngày đó chỉ còn xem, xuất và báo cáo."
    )
    return 0
