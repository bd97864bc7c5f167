"""Wording and small drawings of the web view (the chat's equivalents live in `presentation/`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from domain import shares
from presentation import names
from presentation.format import fmt_goal, status_text
from presentation.periods import PERIOD_WORDS
from presentation.targets import figure_text

STATUS_NAMES = {**names.STATUS_NAMES, "late": "Phần việc trễ hạn"}
STATUS_COLOURS = {
    "done": "#2e7d32",
    "in_progress": "#1565c0",
    "blocked": "#ef6c00",
    "not_started": "#9e9e9e",
    "late": "#c62828",
}
REVIEW_NAMES = {state: name.capitalize() for state, name in names.REVIEW_NAMES.items()}
# the dashboard's filter: the quarters, the halves and the year, in the order of the calendar
PERIOD_NAMES = {p: PERIOD_WORDS[p].span[:1].upper() + PERIOD_WORDS[p].span[1:]
                for p in ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "Y")}
EXPORT_PERIODS = ("Q1", "Q2", "H1", "Q3", "Y")
VERDICT_NAMES = {True: "đạt", False: "chưa đạt", None: "chưa có số liệu"}
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console", "web": "web"}


def fmt_time(at: dt.datetime | None, tz: ZoneInfo) -> str:
    """A moment as the department reads it: local wall time. SQLite gives naive local wall times
    (that is how the services write them), PostgreSQL aware ones."""
    if at is None:
        return "—"
    if at.tzinfo is not None:
        at = at.astimezone(tz)
    return at.strftime("%H:%M %d/%m/%Y")


def status_label(status: str, percent: int | None = None, updated: bool = True) -> str:
    """A share's status; «Chưa cập nhật» for a share nobody reported on («chưa thực hiện» only when the
    unit said so)."""
    if status == "late":
        return STATUS_NAMES["late"]
    if status == shares.Status.NOT_STARTED and not updated:
        return names.NOT_UPDATED_NAME
    return status_text(status, percent)


def role_label(role: str) -> str:
    return names.role_name(role)


def goal_label(target) -> str:
    """A target's goal: «≥ 60%», «100%», «không định lượng»."""
    return fmt_goal(target.goal, target.direction)


def figure_label(figure) -> str:
    """The latest figure: «41,5%», «57,1% (4/7)»; «—» without one."""
    return figure_text(figure.value, figure.numerator, figure.denominator) if figure is not None else "—"


def verdict_label(row) -> str:
    """đạt / chưa đạt / chưa có số liệu; nothing for a qualitative target that has a figure (not judged)."""
    if row.figure is not None and row.target.goal is None:
        return ""
    return VERDICT_NAMES[row.verdict]


BAR_ORDER = ("done", "in_progress", "blocked", "not_started")


def bar(counts, width: int = 240, height: int = 14) -> Markup:
    """A stacked bar (inline SVG) of the status counts of a group of shares, with a text alternative."""
    total = counts["total"] or 0
    if not total:
        return Markup("")
    parts, x = [], 0.0
    for key in BAR_ORDER:
        n = counts[key]
        if not n:
            continue
        w = width * n / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{STATUS_COLOURS[key]}">'
            f"<title>{escape(STATUS_NAMES[key])}: {n}</title></rect>"
        )
        x += w
    label = ", ".join(f"{STATUS_NAMES[k]} {counts[k]}" for k in BAR_ORDER if counts[k])
    return Markup(
        f'<svg class="bar" viewBox="0 0 {width} {height}" width="100%" height="{height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="none">{"".join(parts)}</svg>'
    )
