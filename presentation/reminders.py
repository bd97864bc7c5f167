"""The Vietnamese words of reminders, digests, check-ins, year-end summaries and reminder settings.

The reminder service hands over data — one `PersonMessage` per person and day, its items most urgent
first — and `compose_message` (injected by the bootstrap) writes it: one short line per item with its
task number, short title, milestone, date and working days left, and buttons to answer right away.
Kept apart from the policy so that wording can change without touching when things are sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from conversation.callbacks import SetStatus, Snooze, encode
from domain.messages import Button, Reply
from domain.plan_diff import PlanDiff
from domain.reminders import (
    BEFORE_DUE,
    CHECKIN,
    DIGEST,
    DUE_TODAY,
    LATE,
    NEW_YEAR,
    OVERDUE,
    OVERVIEW,
    REPORT_BEFORE_DUE,
    REPORT_INPUT,
    REPORTS,
    ROUTINE,
    SNOOZE_CODES,
    TARGETS,
    WEEK,
    YEAR_END,
    Candidate,
    DueItem,
    MissingTargets,
    PersonMessage,
    SettingsView,
    WeekSummary,
    before_plan,
)
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from presentation.format import deadline, due_day, fmt_date, short, status_text
from presentation.periods import PERIOD_NAMES
from presentation.plan_diff import new_year_text
from presentation.targets import gaps_count_line, gaps_line
from services.reminders.delivery import SettleNote

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
SHORT_TITLE = 48
SNOOZE_CHOICES = dict(zip(SNOOZE_CODES, ("1 ngày", "3 ngày", "đến thứ Hai"), strict=True))
MAX_BUTTONS = 6  # «✅ NV n» buttons under one message (more items: answer by typing)
YEAR_END_LINES = 15
BEFORE_PLAN = "trước khi ban hành kế hoạch"
ICONS = {OVERDUE: "⚠️", DUE_TODAY: "📌", REPORT_INPUT: "📥", BEFORE_DUE: "🔔", REPORT_BEFORE_DUE: "📊", CHECKIN: "🔁"}


COORDINATORS_ONLY = (
    "Chỉ Văn phòng Sở (người điều phối) dùng được lệnh này. Anh/chị gõ «nhắc nhở» để xem "
    "cài đặt nhắc việc của mình."
)


def preview_label(month: int, year: int) -> str:
    """The period of «xem trước nhắc nhở tháng 12»."""
    return f"tháng {month}/{year}"


def item_label(item: DueItem) -> str:
    """What §4's `milestone` says of an item that is not one milestone (a milestone's item keeps its label)."""
    everyone = " — toàn Sở" if item.unit_id is None else ""
    period = PERIOD_NAMES.get(item.period or "", item.period or "")
    if item.kind == DIGEST:
        return "Tổng hợp tuần"
    if item.kind == OVERVIEW:
        return "Tổng quan tuần"
    if item.kind == YEAR_END:
        return f"Tổng kết năm {item.due.year if item.due else ''}{everyone}"
    if item.kind == NEW_YEAR:
        return f"Kế hoạch năm {item.due.year if item.due else ''}: việc mới của đơn vị"
    if item.kind == TARGETS:
        return f"Chỉ tiêu chưa có số liệu {period}{everyone}"
    if item.kind == CHECKIN and item.candidate is None:
        return period
    return item.label


def settings_error(reason: str, details: dict, units: UnitDirectory) -> str:
    """Why a reminder setting or scope was refused (`services.reminders.SettingsError`)."""
    task = details.get("task")
    if reason == "no_units":
        return "Anh/chị chưa nêu đơn vị nào. Ví dụ: «nv 54 giao QLTM, QLNL»."
    if reason == "not_scoped":
        return (
            f"Nhiệm vụ {task} không có phần việc giao chung «các phòng, đơn vị … được giao» "
            "nên không cần giao đơn vị. Gõ «nv SỐ» để xem ai chủ trì."
        )
    if reason == "outside_scope":
        names = ", ".join(units.name(u) for u in details.get("units", ()))
        return (
            f"{names} không thuộc các đơn vị chủ trì của nhiệm vụ {task}; "
            "chỉ giao được cho các phòng, đơn vị trong phạm vi của nhiệm vụ."
        )
    if reason == "days_out_of_range":
        return f"Số ngày nhắc trước phải từ 0 đến {details.get('most')} ngày làm việc."
    if reason == "bad_snooze":
        return "Lựa chọn tạm hoãn không hợp lệ."
    if reason == "not_your_reminder":
        return "Lời nhắc này không phải của anh/chị, hoặc đã cũ."
    return "không tìm thấy người dùng"


def unknown_scope_unit(part: str, task: int | None) -> str:
    return (
        f"Không nhận ra đơn vị «{part}». Viết tên hoặc tên tắt, cách nhau bằng dấu phẩy, "
        f"ví dụ: «nv {task or 54} giao QLTM, QLNL»."
    )


def fmt_day(day: dt.date) -> str:
    return f"{fmt_date(day)} ({WEEKDAY_NAMES[day.weekday()]})"


def week_label(week: dt.date) -> str:
    end = week + dt.timedelta(days=6)
    return f"{week.strftime('%d/%m')}–{end.strftime('%d/%m/%Y')}"


def period_words(label: str | None) -> str:
    """«Quý III» → «quý III», «năm» → «cả năm» (a check-in's label is the period's name)."""
    label = PERIOD_NAMES.get(label or "", label or "")
    if label == "năm":
        return "cả năm"
    return label[:1].lower() + label[1:]


def due_words(c: Candidate, workdays: WorkingCalendar, year: int | None) -> str:
    """One deadline written the same way everywhere (`presentation.format.deadline`: «hạn 18/09 (CN) →
    nộp trước thứ Sáu 16/09» for a day off); what the plan itself fulfils says so."""
    if before_plan(c.due, c.plan_year):
        return BEFORE_PLAN
    if c.year_round:
        return "cả năm"
    return deadline(c.due, workdays, year)


def dated(day: dt.date, workdays: WorkingCalendar, year: int | None) -> str:
    """A deadline in a weekly list: «hạn 30/09 (thứ Sáu)», or the day-off form, which names its working day."""
    words = deadline(day, workdays, year)
    return words if due_day(day, workdays) != day else f"{words} ({WEEKDAY_NAMES[day.weekday()]})"


def working_days_late(day: dt.date, today: dt.date, workdays: WorkingCalendar) -> int:
    """Working days since the working day `day` was really due (the one overdue rule counts from it)."""
    return workdays.working_days_between(due_day(day, workdays), today)


def task_line(c: Candidate) -> str:
    scope = f" ({c.scope})" if c.scope else ""
    return f"NV {c.task_number} · {short(c.task_title, SHORT_TITLE)}{scope}"


# -- one item of a daily message ---------------------------------------------------------------------
def item_line(item: DueItem, today: dt.date, workdays: WorkingCalendar, units: UnitDirectory) -> str:
    c = item.candidate
    icon = ICONS.get(item.kind, "•")
    if item.kind == CHECKIN:
        return checkin_lines(item, units, workdays, today)[0]
    assert c is not None, "milestone reminders carry their candidate"
    if item.kind == REPORT_INPUT:
        cutoff = item.due or c.due
        return (f"{icon} {task_line(c)} — gửi số liệu {c.label} cho {units.name(c.unit_id)} trước "
                f"**{deadline(cutoff, workdays, today.year)}** ({_left(cutoff, today, workdays)})")
    when = f"{deadline(c.due, workdays, today.year)}{_countdown(c.due, today, workdays, item.kind == OVERDUE)}"
    return f"{icon} {task_line(c)} — {c.label}: {when} · {status_text(c.status, c.percent)}"


def _left(day: dt.date, today: dt.date, workdays: WorkingCalendar) -> str:
    """«hạn hôm nay» / «còn N ngày làm việc», to the working day `day` is really due."""
    left = workdays.working_days_between(today, due_day(day, workdays))
    return "hạn hôm nay" if left <= 0 else f"còn {left} ngày làm việc"


def _countdown(day: dt.date, today: dt.date, workdays: WorkingCalendar, overdue: bool) -> str:
    """What follows a deadline in a reminder, counted from the working day it is really due."""
    if overdue or today > due_day(day, workdays):
        return f", **quá {working_days_late(day, today, workdays)} ngày làm việc**"
    left = _left(day, today, workdays)
    return f" — **{left}**" if left == "hạn hôm nay" else f", {left}"


def checkin_lines(item: DueItem, units: UnitDirectory, workdays: WorkingCalendar, today: dt.date, limit: int = 10,
                  own: str = "") -> list[str]:
    shares: Sequence[Candidate] = item.content or []  # type: ignore[assignment]
    cutoff = item.due or today  # a check-in is planned from its report's cut-off: always set
    office = units.name("van-phong") if units.get("van-phong") else "Văn phòng"
    example = shares[0].task_number if shares else 17
    who = "Cập nhật" if own == "van-phong" else f"{office} cần"  # the Văn phòng does not ask itself
    lines = [
        f"🔁 {who} kết quả {period_words(item.label)} của {len(shares)} việc thường xuyên trước "
        f"**{deadline(cutoff, workdays, today.year)}** — gõ «nv {example} đang làm 60%, đã tổ chức 2 đợt»"
    ]
    lines += [f"   • {task_line(c)}" for c in shares[:limit]]
    if len(shares) > limit:
        lines.append(f"   • … và {len(shares) - limit} việc khác — gõ «việc chưa xong»")
    return lines


def targets_lines(item: DueItem, units: UnitDirectory, workdays: WorkingCalendar, today: dt.date,
                  own: str = "") -> list[str]:
    """The targets with no figure for the coming cut-off's period (`domain.reminders.TARGETS`): one line
    naming a unit's areas' targets, or for coordinators (no unit) the department's count."""
    gaps: MissingTargets = item.content  # type: ignore[assignment]
    if not gaps.targets:
        return []
    words = period_words(gaps.period)
    if item.unit_id is None:
        cutoff = deadline(item.due, workdays, today.year) if item.due else ""
        return [gaps_count_line(words, gaps.period, gaps.targets, gaps.of, cutoff)]
    other = units.name(item.unit_id) if item.unit_id != own else ""
    return [gaps_line(words, gaps.period, gaps.targets, for_unit=other)]


# -- digest, overview, year end ------------------------------------------------------------------------
def _digest_lines(summary: WeekSummary, today: dt.date, workdays: WorkingCalendar, max_items: int,
                  max_overdue: int, skip: set[tuple[int, int]]) -> list[str]:
    lines: list[str] = []

    def listed(name: str) -> list[Candidate]:
        return [c for c in summary.section(name) if (c.lead_id, c.milestone_id) not in skip]

    week = listed(WEEK)
    if summary.total(WEEK):
        lines.append(f"**Đến hạn trong tuần ({summary.total(WEEK)}):**")
        lines += [f"• {task_line(c)} — {c.label}: {dated(c.due, workdays, today.year)} · "
                  f"{status_text(c.status, c.percent)}" for c in week[:max_items]]
        hidden = summary.total(WEEK) - min(len(week), max_items) - (len(summary.section(WEEK)) - len(week))
        if hidden > 0:
            lines.append(f"• … và {hidden} phần việc khác")
    if summary.total(LATE):
        late = listed(LATE)
        lines.append(f"**Quá hạn ({summary.total(LATE)}), mới nhất trước:**")
        for c in late[:max_overdue]:
            late_by = working_days_late(c.due, today, workdays)
            lines.append(f"• {task_line(c)} — {c.label}: {deadline(c.due, workdays, today.year)}, "
                         f"quá {late_by} ngày làm việc")
        older = summary.total(LATE) - min(len(late), max_overdue) - (len(summary.section(LATE)) - len(late))
        if older > 0:
            lines.append(f"• +{older} việc trễ cũ hơn — gõ «việc trễ hạn»")
    if summary.total(REPORTS):
        lines.append(f"**Báo cáo sắp đến hạn ({summary.total(REPORTS)}):**")
        lines += [f"• {task_line(c)} — {c.label}: {dated(c.due, workdays, today.year)}"
                  for c in summary.section(REPORTS)[:max_items]]
    if summary.total(ROUTINE):
        lines.append(f"🔁 Việc thường xuyên: {summary.total(ROUTINE)} việc cả năm, báo kết quả trước mỗi kỳ "
                     "báo cáo — gõ «việc chưa xong» để xem.")
    return lines


def overview_lines(week: dt.date, by_unit: dict[str, WeekSummary], units: UnitDirectory, max_items: int) -> list[str]:
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
    return lines


def year_end_lines(item: DueItem, units: UnitDirectory, workdays: WorkingCalendar) -> list[str]:
    year = item.due.year if item.due else ""
    if item.unit_id is None:  # the department's list, for coordinators
        by_unit: dict[str, list[Candidate]] = item.content or {}  # type: ignore[assignment]
        total = sum(len(v) for v in by_unit.values())
        lines = [f"🗂 **Tổng kết năm {year} — toàn Sở**",
                 f"Kế hoạch năm {year} đã khép lại: {total} phần việc chưa hoàn thành."]
        for unit_id, open_shares in sorted(by_unit.items(), key=lambda p: (-len(p[1]), units.name(p[0]))):
            numbers = ", ".join(str(n) for n in dict.fromkeys(c.task_number for c in open_shares))
            lines.append(f"• {units.name(unit_id)}: {len(open_shares)} (NV {short(numbers, 60)})")
        lines.append("Gõ «xuất báo cáo năm» để có bảng đầy đủ.")
        return lines
    shares: Sequence[Candidate] = item.content or []  # type: ignore[assignment]
    lines = [f"🗂 **Tổng kết năm {year} — {units.name(item.unit_id)}**",
             f"Kế hoạch năm {year} đã khép lại; không còn nhắc quá hạn cho kế hoạch này. "
             f"Còn {len(shares)} phần việc chưa báo hoàn thành:"]
    for c in shares[:YEAR_END_LINES]:
        lines.append(f"• {task_line(c)} — {c.label}: {due_words(c, workdays, item.due.year if item.due else None)} · "
                     f"{status_text(c.status, c.percent)}")
    if len(shares) > YEAR_END_LINES:
        lines.append(f"• … và {len(shares) - YEAR_END_LINES} phần việc khác — gõ «việc chưa xong»")
    lines.append("Việc nào đã xong, anh/chị báo «xong nhiệm vụ SỐ» để số liệu năm được đúng.")
    return lines


# -- the whole message ---------------------------------------------------------------------------------
def compose_message(
    message: PersonMessage, delivery_id: int | None, *, units: UnitDirectory, workdays: WorkingCalendar,
    max_items: int = 10, max_overdue: int = 5,
) -> Reply:
    """One person's message of the day: the digest (first working day of the week) or the daily
    reminder, with every item of the day most urgent first, then the done / snooze buttons."""
    today = message.day
    own = message.unit_id
    lines: list[str] = []
    items = [i for i in message.items if i.kind not in (DIGEST, OVERVIEW, YEAR_END, TARGETS, NEW_YEAR)]
    gaps = sorted((i for i in message.items if i.kind == TARGETS), key=lambda i: (i.unit_id != own, i.unit_id or ""))
    digests = [i for i in message.items if i.kind == DIGEST]
    for item in sorted(message.items, key=lambda i: (i.unit_id != own, i.unit_id or "")):
        if item.kind == YEAR_END:
            lines += year_end_lines(item, units, workdays)
        if item.kind == NEW_YEAR and isinstance(item.content, PlanDiff) and item.unit_id:
            lines += new_year_text(item.content, item.unit_id, units).splitlines()
    for item in message.items:
        if item.kind == OVERVIEW:
            lines += overview_lines(item.due or today, item.content or {}, units, max_items)  # type: ignore[arg-type]
    if digests:
        week = digests[0].due or today
        lines.append(f"📅 **Tổng hợp tuần {week_label(week)} — {units.name(own) if own else 'đơn vị'}**")
    if items:
        if not lines:
            lines.append(f"🔔 **Nhắc việc {WEEKDAY_NAMES[today.weekday()]} {fmt_date(today)}** ({_count(items)})")
        else:
            lines.append(f"**Cần làm hôm nay ({_count(items)}):**")
        for unit_id, mine in _by_unit(items, own):
            if unit_id != own:
                lines.append(f"_Thay cho {units.name(unit_id)}:_")
            for item in mine:
                if item.kind == CHECKIN:
                    lines += checkin_lines(item, units, workdays, today, own=own)
                else:
                    lines.append(item_line(item, today, workdays, units))
    shown = {(i.candidate.lead_id, i.candidate.milestone_id) for i in items if i.candidate}
    for item in digests:
        summary: WeekSummary = item.content  # type: ignore[assignment]
        if item.unit_id != own:
            lines.append(f"_Tuần này của {units.name(item.unit_id or '')}:_")
        lines += _digest_lines(summary, today, workdays, max_items, max_overdue, shown)
    buttons = message_buttons(items, delivery_id)
    if gaps and not (items or digests) and delivery_id is not None:
        buttons = message_buttons(gaps, delivery_id)  # the snooze row alone
    if items or digests:
        done = any(b.data.startswith(SetStatus.PREFIX + ":") for row in buttons for b in row)
        lines.append(("Bấm ✅ khi xong, hoặc nhắn" if done else "Nhắn") + " «xong nhiệm vụ SỐ» / «nv SỐ đang làm 60%».")
    for item in gaps:  # rides in the day's message, after the work: one line each
        lines += targets_lines(item, units, workdays, today, own)
    return Reply(text="\n".join(lines), buttons=buttons, private_only=True)


def _count(items: Sequence[DueItem]) -> str:
    return f"{len(items)} việc"


def _by_unit(items: Sequence[DueItem], own: str) -> list[tuple[str, list[DueItem]]]:
    groups: dict[str, list[DueItem]] = {}
    for item in items:
        groups.setdefault(item.unit_id or "", []).append(item)
    return sorted(groups.items(), key=lambda pair: pair[0] != own)


def message_buttons(items: Sequence[DueItem], delivery_id: int | None) -> list[list[Button]]:
    """«✅ NV n» for the shares whose own deadline is in the message (the `st` status callback), and
    the snooze row (ours, `sn`, carrying the message's delivery id)."""
    done: list[Button] = []
    seen: set[int] = set()
    for item in items:
        c = item.candidate
        if c is None or item.kind == REPORT_INPUT or c.lead_id in seen:
            continue
        seen.add(c.lead_id)
        done.append(Button(f"✅ NV {c.task_number}", encode(SetStatus(c.lead_id, "done"))))
    rows = [done[i : i + 3] for i in range(0, min(len(done), MAX_BUTTONS), 3)]
    if delivery_id is not None and items:
        rows.append([Button(f"💤 {label}", encode(Snooze(str(delivery_id), code))) for code, label in SNOOZE_CHOICES.items()])
    return rows


# -- the simulator in chat ------------------------------------------------------------------------------
def preview_text(month_label: str, messages: Sequence, units: UnitDirectory, *, staff_all: bool) -> str:
    """«xem trước nhắc nhở tháng 12»: who would get how many messages, the busiest day, one sample."""
    if not messages:
        return f"🔮 {month_label}: không có nhắc việc nào sẽ được gửi."
    per: dict[tuple[str, str], list] = {}
    for m in messages:
        per.setdefault((m.to_unit, m.role), []).append(m)
    lines = [f"🔮 **Xem trước nhắc việc {month_label}** — {len(messages)} tin nhắn"
             + (" (giả định mỗi đơn vị đều có trưởng đơn vị đăng ký)" if staff_all else "")]
    roles = {"head": "trưởng đơn vị", "officer": "công chức", "coordinator": "điều phối", "leader": "lãnh đạo"}
    for (unit_id, role), mine in sorted(per.items(), key=lambda p: (-len(p[1]), units.name(p[0][0]))):
        kinds: dict[str, int] = {}
        for m in mine:
            kinds[m.kind] = kinds.get(m.kind, 0) + 1
        detail = ", ".join(f"{n} {KIND_WORDS.get(k, k)}" for k, n in sorted(kinds.items()))
        lines.append(f"• {units.name(unit_id)} ({roles.get(role, role)}): {len(mine)} tin — {detail}")
    biggest = max(messages, key=lambda m: len(m.items))
    lines.append(f"Tin nhiều việc nhất: {fmt_date(biggest.at.date())}, {units.name(biggest.to_unit)}, "
                 f"{len(biggest.items)} việc.")
    lines.append("Mỗi người nhận tối đa một tin mỗi ngày làm việc. Chi tiết trên máy chủ: "
                 "«cchc-bot reminders simulate --from … --to … --json».")
    return "\n".join(lines)


# The §4 kinds and the reasons nobody receives an item, as `cchc-bot reminders due` lists them.
DUE_KIND_NAMES = {
    "before_due": "trước hạn",
    "due_today": "đến hạn",
    "overdue": "quá hạn",
    "report_before_due": "báo cáo sắp đến hạn",
    "report_input": "gửi số liệu báo cáo",
    "checkin": "việc thường xuyên",
    "digest": "tổng hợp tuần",
    "year_end": "tổng kết năm",
}
NOBODY_REASONS = {
    "no_registered_head": "chưa có ai đăng ký",
    "no_delegate_registered": "chưa có người nhận thay",
    "all_opted_out": "đã tắt nhắc nhở",
    "all_snoozed": "đang tạm hoãn",
    "all_identities_unreachable": "không liên lạc được",
}
# The words of a delivery ledger row settled without a message (`services.reminders.delivery.SettleNote`).
SETTLE_NOTES = {
    SettleNote.NO_LONGER_DUE: "không còn đến hạn",
    SettleNote.UNREACHABLE: "không liên lạc được",
    SettleNote.RENDER_FAILED: "lỗi nội bộ khi dựng tin nhắn",
    SettleNote.NOTHING_THIS_WEEK: "không có gì để báo trong tuần",
}
KIND_WORDS = {"daily": "nhắc hằng ngày", "digest": "tổng hợp tuần", "overview": "tổng quan",
              "checkin": "hỏi kết quả trước kỳ báo cáo", "year_end": "tổng kết năm"}


# -- settings ---------------------------------------------------------------------------------------
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
            f"Nhắc trước hạn {days} ngày làm việc, vào ngày đến hạn, rồi nhắc lại khi quá hạn — gộp trong "
            "một tin mỗi ngày làm việc, chỉ trong giờ hành chính."
        )
        if view.role == "head":
            lines.append("Ngày làm việc đầu tuần: tin nhắn là bản tổng hợp việc trong tuần của đơn vị.")
    if view.snoozed_until is not None:
        until = view.snoozed_until.astimezone(tz)
        lines.append(f"Đang tạm hoãn đến {until.strftime('%H:%M')} {fmt_day(until.date())}.")
    lines.append("Đổi bằng các nút dưới đây, hoặc nhắn: «tắt nhắc nhở», «bật lại», «nhắc trước 5 ngày».")
    return "\n".join(lines)


def settings_buttons(view: SettingsView) -> list[list[Button]]:
    if view.role in ("leader", "admin"):
        return []
    toggle = Button("🔕 Tắt nhắc nhở", encode(Snooze("set", "off"))) if view.enabled else Button("🔔 Bật nhắc nhở", encode(Snooze("set", "on")))
    rows = [[toggle]]
    if view.enabled:
        rows.append([Button(f"Nhắc trước {d} ngày", encode(Snooze("set", f"d{d}"))) for d in (3, 5, 7, 10)])
    if view.snoozed_until is not None:
        rows.append([Button("▶️ Bỏ tạm hoãn", encode(Snooze("set", "resume")))])
    return rows


def snoozed_text(until: dt.datetime, tz) -> str:
    local = until.astimezone(tz)
    return (
        f"💤 Đã tạm hoãn nhắc việc đến {local.strftime('%H:%M')} {fmt_day(local.date())}. "
        "Sau đó anh/chị nhận lại lời nhắc gần nhất (nếu việc vẫn chưa xong)."
    )


def scope_assigned_text(task: int, scope: str, unit_names: Sequence[str]) -> str:
    return (f"✅ Nhiệm vụ {task} ({scope}) từ nay nhắc cho: {', '.join(unit_names)}. "
            "Các đơn vị khác không nhận nhắc việc này. Gõ lại «nv SỐ giao …» để đổi.")
