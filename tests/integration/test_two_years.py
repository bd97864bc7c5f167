"""Two years' plans side by side: in December the assistant still answers from this year's plan while next
year's is already imported; from January it answers from the new one, whose task numbers moved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.bootstrap import build_app
from conversation.router import Router
from domain.clock import FixedClock
from tests.conftest import SEED, make_settings
from tests.conversation_kit import registered

RENUMBERED = Path(__file__).resolve().parents[1] / "data" / "ke-hoach-cchc-2023-renumbered.txt"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_the_current_plan_follows_the_calendar_year(tmp_path):
    clock = FixedClock(dt.datetime(2022, 12, 20, 9, 0, tzinfo=TZ))
    app = await build_app(make_settings(tmp_path), clock=clock)
    try:
        await app.plans.import_plan(SEED)
        await app.plans.import_plan(RENUMBERED)
        chat = await registered(app, Router(app), "vp-head", "van-phong")
        assert (await app.plans.current_version() or (0, 0))[1] == 2022
        december = await chat.text("nv 1 là gì")
        assert "Ban hành và triển khai thực hiện Kế hoạch" in december, december

        clock.set(dt.datetime(2023, 1, 3, 9, 0, tzinfo=TZ))
        app.plans.forget()
        assert (await app.plans.current_version() or (0, 0))[1] == 2023
        january = await chat.text("nv 1 là gì")
        assert "Tổng kết" in january, january
        assert "Ban hành và triển khai" in await chat.text("nv 2 là gì")  # last year's task 1, one down
    finally:
        await app.close()
