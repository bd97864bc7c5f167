"""Small formatting helpers every handler shares: dates, days left, unit names, status icons."""

from __future__ import annotations

import datetime as dt

from bot.conversation.messages import Button
from domain.units import UnitDirectory
from services.views import STATUS_ICONS, STATUS_NAMES, LeadView, MilestoneView

SHORT_TITLE = 70


def fmt_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def days_left(day: dt.date, today: dt.date) -> str:
    delta = (day - today).days
    if delta > 0:
        return f"còn {delta} ngày"
    if delta == 0:
        return "hạn hôm nay"
    return f"trễ {-delta} ngày"


def short(text: str, limit: int = SHORT_TITLE) -> str:
    text = text.strip().rstrip(".")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unit_name(units: UnitDirectory, unit_id: str | None) -> str:
    return units.name(unit_id) if unit_id else "toàn Sở"


def status_text(status: str, percent: int | None) -> str:
    name = STATUS_NAMES.get(status, status)
    if status == "in_progress" and percent is not None:
        return f"{name} {percent}%"
    return name


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
