"""The Vietnamese words of reminders, digests and reminder settings.

Kept apart from the policy so that wording can change without touching when things are sent, and so
that tests can assert on the facts a head needs at a glance: which task, which milestone, which date,
how many working days are left — and buttons to answer right away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from domain.messages import Button, Reply
from domain.reminders import (
    BEFORE_DUE,
    DUE_TODAY,
    LATE,
    OVERDUE,
    REPORT_BEFORE_DUE,
    REPORTS,
    WEEK,
    Candidate,
    DueItem,
    WeekSummary,
)
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from presentation.common import reminder_status_buttons
from presentation.format import fmt_date, short, status_text

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
SHORT_TITLE = 80
SNOOZE_CHOICES = {"1d": "1 ngày", "3d": "3 ngày", "mon": "đến thứ Hai"}


def fmt_day(day: dt.date) -> str:
    return f"{fmt_date(day)} ({WEEKDAY_NAMES[day.weekday()]})"


def reminder_buttons(lead_id: int, delivery_id: int) -> list[list[Button]]:
    """Status buttons (the conversation engine's `st` callback) and snooze buttons (ours, `sn`)."""
    return [
        reminder_status_buttons(lead_id),
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
        f"**Nhiệm vụ {c.task_number}:** {short(c.task_title, SHORT_TITLE)}",
        f"Mốc: **{c.label}** — hạn **{fmt_day(c.due)}**",
        f"Đơn vị chủ trì: {units.name(c.unit_id)} · Tình trạng: {status_text(c.status, c.percent)}",
    ]
    if item.kind in (DUE_TODAY, OVERDUE):
        lines.append("Anh/chị cập nhật tình trạng bằng các nút dưới đây (hoặc gửi minh chứng nếu đã xong).")
    elif item.kind in (BEFORE_DUE, REPORT_BEFORE_DUE):
        lines.append("Anh/chị cập nhật tình trạng bằng các nút dưới đây, hoặc hoãn nhắc.")
    return Reply(text="\n".join(lines), buttons=reminder_buttons(c.lead_id, delivery_id), private_only=True)


# -- weekly messages --------------------------------------------------------------------------------
def week_label(week: dt.date) -> str:
    end = week + dt.timedelta(days=6)
    return f"{week.strftime('%d/%m')}–{end.strftime('%d/%m/%Y')}"


def _lines(items: Sequence[Candidate], total: int, today: dt.date, workdays: WorkingCalendar) -> list[str]:
    out = []
    for c in items:
        when = fmt_day(c.due)
        if c.due < today:
            when += f", quá {workdays.working_days_between(c.due, today)} ngày làm việc"
        out.append(f"• NV {c.task_number} · {c.label} — {when} · {status_text(c.status, c.percent)}")
    if total > len(items):
        out.append(f"• … và {total - len(items)} phần việc khác")
    return out


def digest_reply(unit_name: str, summary: WeekSummary, today: dt.date, workdays: WorkingCalendar) -> Reply:
    lines = [f"📅 **Tổng hợp tuần {week_label(summary.week)} — {unit_name}**"]
    for title, name in (("Đến hạn trong tuần", WEEK), ("Quá hạn", LATE), ("Báo cáo sắp đến hạn", REPORTS)):
        if summary.total(name):
            lines.append(f"**{title} ({summary.total(name)}):**")
            lines.extend(_lines(summary.section(name), summary.total(name), today, workdays))
    if summary.empty:
        lines.append("Tuần này đơn vị không có mốc nào đến hạn và không có việc quá hạn. 👍")
    lines.append("Gõ «việc của tôi» hoặc «nv SỐ» để xem chi tiết; báo tiến độ: «xong nhiệm vụ SỐ».")
    return Reply(text="\n".join(lines), private_only=True)


def overview_reply(week: dt.date, by_unit: dict[str, WeekSummary], units: UnitDirectory, max_items: int) -> Reply:
    """Coordinators' Monday view: overdue work by unit (most first), and how much falls due this week."""
    lines = [f"📋 **Tổng quan tuần {week_label(week)} — toàn Sở**"]
    late = sorted(
        ((unit_id, s) for unit_id, s in by_unit.items() if s.total(LATE)),
        key=lambda pair: (-pair[1].total(LATE), units.name(pair[0])),
    )
    if late:
        lines.append(f"**Quá hạn theo đơn vị ({sum(s.total(LATE) for _, s in late)} phần việc):**")
        for unit_id, s in late[:max_items]:
            numbers = list(dict.fromkeys(c.task_number for c in s.section(LATE)))
            more = ", …" if s.total(LATE) > len(s.section(LATE)) else ""
            lines.append(f"• {units.name(unit_id)}: {s.total(LATE)} (NV {', '.join(map(str, numbers))}{more})")
        if len(late) > max_items:
            lines.append(f"• … và {len(late) - max_items} đơn vị khác")
    else:
        lines.append("Không có phần việc nào quá hạn. 👍")
    due = [s.total(WEEK) for s in by_unit.values() if s.total(WEEK)]
    if due:
        lines.append(f"Đến hạn trong tuần: {sum(due)} phần việc của {len(due)} đơn vị.")
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
