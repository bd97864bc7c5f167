"""The Vietnamese words of reminders, digests and reminder settings.

Kept apart from the policy so that wording can change without touching when things are sent, and so
that tests can assert on the facts a head needs at a glance: which task, which milestone, which date,
how many working days are left — and buttons to answer right away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.conversation.messages import Button, Reply
from domain.units import UnitDirectory
from scheduler.reminders import (
    BEFORE_DUE,
    DUE_TODAY,
    OVERDUE,
    REPORT_BEFORE_DUE,
    Candidate,
    DueItem,
)
from scheduler.workdays import WorkingCalendar
from services.views import STATUS_NAMES

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
SHORT_TITLE = 80
SNOOZE_CHOICES = {"1d": "1 ngày", "3d": "3 ngày", "mon": "đến thứ Hai"}


def fmt_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def fmt_day(day: dt.date) -> str:
    return f"{fmt_date(day)} ({WEEKDAY_NAMES[day.weekday()]})"


def short(text: str, limit: int = SHORT_TITLE) -> str:
    text = " ".join(text.split()).rstrip(".")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def status_name(status: str, percent: int | None) -> str:
    name = STATUS_NAMES.get(status, status)
    return f"{name} {percent}%" if status == "in_progress" and percent is not None else name


def reminder_buttons(lead_id: int, delivery_id: int) -> list[list[Button]]:
    """Status buttons (the conversation engine's `st` callback) and snooze buttons (ours, `sn`)."""
    return [
        [
            Button("✅ Hoàn thành", f"st:{lead_id}:done"),
            Button("🔄 Đang làm", f"st:{lead_id}:in_progress"),
            Button("⚠️ Vướng mắc", f"st:{lead_id}:blocked"),
        ],
        [Button(f"💤 {label}", f"sn:{delivery_id}:{code}") for code, label in SNOOZE_CHOICES.items()],
    ]


def headline(item: DueItem, c: Candidate, today: dt.date, workdays: WorkingCalendar) -> str:
    """What the reminder is about, measured in working days from today."""
    if item.kind == OVERDUE or today > c.due:
        late = workdays.working_days_between(c.due, today)
        return f"⚠️ **Đã quá hạn {late} ngày làm việc**"
    left = workdays.working_days_between(today, c.due)
    if left == 0:
        if today == c.due:
            return "📌 **Hôm nay là hạn chót**"
        return (
            f"📌 **Hạn chót rơi vào {WEEKDAY_NAMES[c.due.weekday()]} (ngày nghỉ) — "
            "hôm nay là ngày làm việc cuối cùng**"
        )
    if item.kind == REPORT_BEFORE_DUE or c.is_report:
        return f"📊 **Sắp đến hạn nộp báo cáo: còn {left} ngày làm việc**"
    return f"🔔 **Nhắc việc: còn {left} ngày làm việc**"


def reminder_reply(
    item: DueItem, today: dt.date, workdays: WorkingCalendar, units: UnitDirectory, delivery_id: int
) -> Reply:
    c = item.candidate
    assert c is not None, "milestone reminders carry their candidate"
    lines = [
        headline(item, c, today, workdays),
        f"**Nhiệm vụ {c.task_number}:** {short(c.task_title)}",
        f"Mốc: **{c.label}** — hạn **{fmt_day(c.due)}**",
        f"Đơn vị chủ trì: {units.name(c.unit_id)} · Tình trạng: {status_name(c.status, c.percent)}",
    ]
    if item.kind in (DUE_TODAY, OVERDUE):
        lines.append("Anh/chị cập nhật tình trạng bằng các nút dưới đây (hoặc gửi minh chứng nếu đã xong).")
    elif item.kind in (BEFORE_DUE, REPORT_BEFORE_DUE):
        lines.append("Anh/chị cập nhật tình trạng bằng các nút dưới đây, hoặc hoãn nhắc.")
    return Reply(text="\n".join(lines), buttons=reminder_buttons(c.lead_id, delivery_id), private_only=True)


# -- weekly messages --------------------------------------------------------------------------------
@dataclass
class DigestContent:
    """One unit's week: milestones due this week, overdue ones, periodic reports coming up."""

    week: dt.date
    this_week: list[Candidate]
    overdue: list[Candidate]
    reports: list[Candidate]

    @property
    def empty(self) -> bool:
        return not (self.this_week or self.overdue or self.reports)


def split_digest(week: dt.date, items: Sequence[Candidate], report_until: dt.date) -> DigestContent:
    end = week + dt.timedelta(days=6)
    key = lambda c: (c.due, c.task_number)  # noqa: E731
    return DigestContent(
        week=week,
        this_week=sorted((c for c in items if week <= c.due <= end), key=key),
        overdue=sorted((c for c in items if c.due < week), key=key),
        reports=sorted((c for c in items if c.is_report and end < c.due <= report_until), key=key),
    )


def week_label(week: dt.date) -> str:
    end = week + dt.timedelta(days=6)
    return f"{week.strftime('%d/%m')}–{end.strftime('%d/%m/%Y')}"


def _lines(items: Sequence[Candidate], limit: int, today: dt.date, workdays: WorkingCalendar) -> list[str]:
    out = []
    for c in items[:limit]:
        when = fmt_day(c.due)
        if c.due < today:
            when += f", quá {workdays.working_days_between(c.due, today)} ngày làm việc"
        out.append(f"• NV {c.task_number} · {c.label} — {when} · {status_name(c.status, c.percent)}")
    if len(items) > limit:
        out.append(f"• … và {len(items) - limit} phần việc khác")
    return out


def digest_reply(
    unit_name: str, content: DigestContent, today: dt.date, workdays: WorkingCalendar, max_items: int
) -> Reply:
    lines = [f"📅 **Tổng hợp tuần {week_label(content.week)} — {unit_name}**"]
    for title, items in (
        ("Đến hạn trong tuần", content.this_week),
        ("Quá hạn", content.overdue),
        ("Báo cáo sắp đến hạn", content.reports),
    ):
        if items:
            lines.append(f"**{title} ({len(items)}):**")
            lines.extend(_lines(items, max_items, today, workdays))
    if content.empty:
        lines.append("Tuần này đơn vị không có mốc nào đến hạn và không có việc quá hạn. 👍")
    lines.append("Gõ «việc của tôi» hoặc «nv SỐ» để xem chi tiết; báo tiến độ: «xong nhiệm vụ SỐ».")
    return Reply(text="\n".join(lines), private_only=True)


def overview_reply(
    week: dt.date, overdue: Sequence[Candidate], this_week: Sequence[Candidate], units: UnitDirectory,
    max_items: int,
) -> Reply:
    lines = [f"📋 **Tổng quan tuần {week_label(week)} — toàn Sở**"]
    by_unit: dict[str, list[Candidate]] = {}
    for c in overdue:
        by_unit.setdefault(c.unit_id, []).append(c)
    if by_unit:
        lines.append(f"**Quá hạn theo đơn vị ({len(overdue)} phần việc):**")
        ranked = sorted(by_unit.items(), key=lambda kv: (-len(kv[1]), units.name(kv[0])))
        for unit_id, items in ranked[:max_items]:
            numbers = sorted({c.task_number for c in items})
            shown = ", ".join(str(n) for n in numbers[:8]) + (", …" if len(numbers) > 8 else "")
            lines.append(f"• {units.name(unit_id)}: {len(items)} (NV {shown})")
        if len(ranked) > max_items:
            lines.append(f"• … và {len(ranked) - max_items} đơn vị khác")
    else:
        lines.append("Không có phần việc nào quá hạn. 👍")
    if this_week:
        unit_count = len({c.unit_id for c in this_week})
        lines.append(f"Đến hạn trong tuần: {len(this_week)} phần việc của {unit_count} đơn vị.")
    lines.append("Gõ «việc trễ hạn» hoặc «tiến độ toàn Sở» để xem chi tiết.")
    return Reply(text="\n".join(lines), private_only=True)


# -- settings ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SettingsView:
    role: str
    enabled: bool  # effective, after the role default
    explicit: bool | None
    days_before: int | None
    offsets: tuple[int, ...]
    snoozed_until: dt.datetime | None


def settings_text(view: SettingsView, tz) -> str:
    if view.role in ("leader", "admin"):
        return (
            "⚙️ Nhắc việc được gửi cho trưởng đơn vị, công chức đã bật nhắc nhở và Văn phòng Sở (tổng quan "
            "tuần); vai trò của anh/chị theo dõi qua «tiến độ toàn Sở»."
        )
    if not view.enabled:
        state = "**đang tắt**"
        if view.role == "officer" and view.explicit is None:
            state += " (công chức nhận nhắc việc khi tự bật)"
    else:
        state = "**đang bật**"
    lines = [f"⚙️ Nhắc việc của anh/chị: {state}."]
    if view.enabled:
        days = ", ".join(str(d) for d in view.offsets)
        lines.append(
            f"Nhắc trước hạn {days} ngày làm việc, vào ngày đến hạn, rồi nhắc lại khi quá hạn; "
            "chỉ gửi trong giờ hành chính ngày làm việc."
        )
        if view.role == "head":
            lines.append("Sáng thứ Hai: bản tổng hợp việc trong tuần của đơn vị.")
    if view.snoozed_until is not None:
        until = view.snoozed_until.astimezone(tz)
        lines.append(f"Đang tạm hoãn đến {until.strftime('%H:%M')} {fmt_day(until.date())}.")
    lines.append("Đổi bằng các nút dưới đây, hoặc nhắn: «tắt nhắc nhở», «bật lại», «nhắc trước 5 ngày».")
    return "\n".join(lines)


def settings_buttons(view: SettingsView) -> list[list[Button]]:
    if view.role in ("leader", "admin"):
        return []
    toggle = Button("🔕 Tắt nhắc nhở", "sn:set:off") if view.enabled else Button("🔔 Bật nhắc nhở", "sn:set:on")
    rows = [[toggle]]
    if view.enabled:
        rows.append([Button(f"Nhắc trước {d} ngày", f"sn:set:d{d}") for d in (3, 5, 7, 10)])
    if view.snoozed_until is not None:
        rows.append([Button("▶️ Bỏ tạm hoãn", "sn:set:resume")])
    return rows


def snoozed_text(until: dt.datetime, tz) -> str:
    local = until.astimezone(tz)
    return (
        f"💤 Đã tạm hoãn nhắc việc đến {local.strftime('%H:%M')} {fmt_day(local.date())}. "
        "Sau đó anh/chị nhận lại lời nhắc gần nhất (nếu việc vẫn chưa xong)."
    )
