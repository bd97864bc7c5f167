"""Small formatting helpers every handler shares: dates, days left, unit names, status icons."""

from __future__ import annotations

import datetime as dt

from domain.messages import Button
from domain.units import UnitDirectory
from services.views import STATUS_ICONS, LeadView, MilestoneView, fmt_date, short, status_text

__all__ = ["days_left", "fmt_date", "milestone_when", "short", "status_buttons", "status_icon", "status_text", "unit_name"]

def days_left(day: dt.date, today: dt.date) -> str:
    delta = (day - today).days
    if delta > 0:
        return f"còn {delta} ngày"
    if delta == 0:
        return "hạn hôm nay"
    return f"trễ {-delta} ngày"


def unit_name(units: UnitDirectory, unit_id: str | None) -> str:
    return units.name(unit_id) if unit_id else "toàn Sở"


def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status, "•")


def milestone_when(m: MilestoneView, today: dt.date) -> str:
    """'30/09/2022 (còn 12 ngày)', or the plan's own words when there is no fixed date."""
    if m.kind == "year_round":
        return f"cả năm (đến {fmt_date(m.due)})"
    if m.due is not None:
        return f"{fmt_date(m.due)} ({days_left(m.due, today)})"
    if m.kind in ("relative", "after_event"):
        return f"chờ sự kiện: {m.trigger or m.text}"
    return m.text


def status_buttons(lead: LeadView) -> list[list[Button]]:
    """The status keyboard of a task detail or a reminder (data re-authorised on every press)."""
    lid = lead.lead_id
    return [
        [Button("✅ Hoàn thành", f"st:{lid}:done"), Button("🔄 Đang làm", f"st:{lid}:in_progress")],
        [Button("⚠️ Vướng mắc", f"st:{lid}:blocked"), Button("📎 Đính kèm minh chứng", f"ev:{lid}")],
    ]
