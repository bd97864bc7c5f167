"""How dates, deadlines, statuses and titles read in chat — one way, everywhere.

A deadline is written once, the same in lists, task details, the report calendar and reminders:
«hạn 18/09 (CN) → nộp trước thứ Sáu 16/09» when it falls on a day off, «hạn 30/09» otherwise; and
lateness counts from the working day the work was really due.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from domain.shares import due_working_day
from domain.targets import DIRECTION_SIGNS, GE, fmt_value
from presentation.names import (  # the one wording of a status, shared with the exports
    STATUS_NAMES,
    status_text,
)

STATUS_ICONS = {"not_started": "⬜", "in_progress": "🔄", "blocked": "⚠️", "done": "✅"}
SHORT_TITLE = 70
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
WEEKDAY_SHORT = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")

__all__ = [
    "STATUS_ICONS", "STATUS_NAMES", "Workdays", "days_left", "deadline", "due_day", "file_size", "fmt_date", "fmt_day",
    "fmt_goal", "short", "status_icon", "status_text",
]


class Workdays(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...
    def previous_working_day(self, day: dt.date) -> dt.date: ...


def fmt_goal(goal: float | None, direction: str | None) -> str:
    """A target's goal: «≥ 60%», «100%», «không định lượng» (a qualitative target)."""
    if goal is None:
        return "không định lượng"
    if goal == 100 and direction in (GE, None):
        return "100%"
    return f"{DIRECTION_SIGNS.get(direction or GE, '≥')} {fmt_value(goal)}"


def fmt_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def file_size(size: int) -> str:
    """«1,5 MB», «740 KB», «512 byte»: a file's size in chat and on the web."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} byte"


def fmt_day(day: dt.date, year: int | None = None) -> str:
    """dd/mm, with the year only when it is not `year` (the year being talked about)."""
    return day.strftime("%d/%m") if year is None or day.year == year else day.strftime("%d/%m/%Y")


def short(text: str, limit: int = SHORT_TITLE) -> str:
    """A title cut to fit a chat line at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status, "•")


def due_day(day: dt.date, workdays: Workdays | None) -> dt.date:
    """The working day a deadline really falls on: the day itself, or the working day before it."""
    return day if workdays is None else due_working_day(day, workdays)


def deadline(day: dt.date, workdays: Workdays | None, year: int | None = None) -> str:
    """«hạn 30/09», or «hạn 18/09 (CN) → nộp trước thứ Sáu 16/09» for a day off."""
    real = due_day(day, workdays)
    if real == day:
        return f"hạn {fmt_day(day, year)}"
    return f"hạn {fmt_day(day, year)} ({WEEKDAY_SHORT[day.weekday()]}) → nộp trước {WEEKDAYS[real.weekday()]} {fmt_day(real, year)}"


def days_left(day: dt.date, today: dt.date, workdays: Workdays | None = None) -> str:
    """«còn 12 ngày», «hạn hôm nay», «trễ 3 ngày» — counted from the working day the deadline falls on."""
    delta = (due_day(day, workdays) - today).days
    if delta > 0:
        return f"còn {delta} ngày"
    if delta == 0:
        return "hạn hôm nay"
    return f"trễ {-delta} ngày"
