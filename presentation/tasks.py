"""A task's detail and the lists of tasks — sized for one phone screen.

- a detail fits one screen (≤ ~700 characters): a unit is never its own coordinator; every internal
  unit coordinating reads «các phòng, đơn vị thuộc Sở»; titles are shortened at a word boundary;
- a list leads with «N việc có hạn trong kỳ», pages at `PAGE_SIZE` lines, and folds the year-round
  work, the work waiting for an event and the work «theo quy định» into one line
  («+11 việc thường xuyên — gõ «việc thường xuyên»»);
- every deadline is written by `presentation.format.deadline`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from conversation.callbacks import ListPage, encode
from domain.messages import Button, Reply
from domain.plan import AFTER_EVENT, RELATIVE
from domain.units import UnitDirectory
from presentation.common import milestone_when, status_buttons
from presentation.format import Workdays, deadline, due_day, short, status_icon, status_text
from services.views import ListItem, MilestoneView, TaskDetail

PAGE_SIZE = 8
LIST_TITLE = 48
DETAIL_TITLE = 140
ALL_INTERNAL = "các phòng, đơn vị thuộc Sở"
FOLDED = ("year_round", "waiting", "needs_date", "undated")
GROUP_TITLES = {
    "year_round": "🔁 Thực hiện cả năm",
    "waiting": "⏳ Chờ sự kiện kích hoạt",
    "needs_date": "❓ Cần xác định thời hạn",
    "undated": "📄 Theo quy định / khi có yêu cầu",
}
STATUS_TITLES = {
    "open": "chưa hoàn thành",
    "overdue": "mốc đã trễ hạn",
    "done": "đã hoàn thành",
    "in_progress": "đang thực hiện",
    "not_started": "chưa thực hiện",
    "blocked": "đang vướng mắc",
}
OLD_LIST_BUTTON = "Nút này đã cũ. Anh/chị hỏi lại danh sách nhé."
ROUTINE_HINT = "gõ «việc thường xuyên»"


# -- one task --------------------------------------------------------------------------------------------
def unknown_task(number: int | None, total: int) -> str:
    if number is None:
        return (
            f"Anh/chị muốn xem nhiệm vụ nào? Gửi số thứ tự (1–{total}), ví dụ «nhiệm vụ 17», "
            "hoặc mô tả ngắn, ví dụ «việc kê khai tài sản»."
        )
    return f"Không có nhiệm vụ số {number} (kế hoạch có {total} nhiệm vụ). Anh/chị kiểm tra lại số nhé."


def unit_names(ids: list[str], units: UnitDirectory, *, besides: Sequence[str] = ()) -> list[str]:
    """Names of units, with «các phòng, đơn vị thuộc Sở» for every internal unit (those in `besides`,
    the lead units, need not be among them)."""
    ids = list(dict.fromkeys(ids))
    internal = {u.id for u in units.member_units if u.kind in ("internal", "affiliated")} - set(besides)
    if len(internal) > 1 and internal <= set(ids):
        return [ALL_INTERNAL] + [units.name(u) for u in ids if u not in internal]
    return [units.name(u) for u in ids]


def coordinators(coordinating: list[str], leads: list[str], external: list[str], units: UnitDirectory) -> str | None:
    """Who coordinates: never a lead unit itself; «các phòng, đơn vị thuộc Sở» for all the others."""
    others = [u for u in coordinating if u not in leads]
    names = unit_names(others, units, besides=leads) + list(external)
    return short(", ".join(names), 160) if names else None


BEFORE_PLAN = "trước khi ban hành kế hoạch"


def _milestone(m: MilestoneView, today: dt.date, workdays: Workdays | None, done: bool) -> str:
    prefix = f"{m.label}: " if m.label != m.text else ""
    if m.before_plan:
        return f"{prefix}{m.text} ({BEFORE_PLAN})" + (" — đã xong" if done else "")
    # a deadline counted from an event («trong thời hạn 5 ngày kể từ …») keeps its rule once the event is known
    rule = f" ({short(m.text, 70)})" if m.kind in (RELATIVE, AFTER_EVENT) and m.due is not None else ""
    if m.due is not None and m.kind != "year_round" and due_day(m.due, workdays) < today:
        return f"{prefix}{deadline(m.due, workdays, today.year)}{rule} — " + ("đã xong" if done else "đã qua")
    return prefix + milestone_when(m, today, workdays) + rule


def task_detail(
    detail: TaskDetail, today: dt.date, units: UnitDirectory, workdays: Workdays | None, own_unit: str | None,
    *, can_write: bool,
) -> Reply:
    lines = [f"**NV {detail.number}. {short(detail.title, DETAIL_TITLE)}**"]
    many = len(detail.assignments) > 1
    by_lead = {lead.unit_id: lead for lead in detail.leads}
    for a in detail.assignments[:4]:
        head = ""
        if many:
            head = f"Phần {a['position'] + 1}" + (f" ({short(a['scope'], 40)})" if a["scope"] else "") + ": "
        elif a["scope"]:
            lines.append(f"Phạm vi: {short(a['scope'], 80)}")
        who = "Chủ trì: " + ", ".join(unit_names(a["lead"], units))
        coordinating = coordinators(a["coordinating"], a["lead"], a["external"], units)
        if coordinating and not many:
            who += f" · Phối hợp: {coordinating}"
        lines.append(head + who)
        if a["products"] and not many:
            lines.append("Sản phẩm: " + short("; ".join(p.rstrip(" .;") for p in a["products"]), 110))
        shares = [by_lead[u] for u in a["lead"] if u in by_lead]
        milestones = a["milestones"]
        whens = [
            _milestone(m, today, workdays, bool(shares) and all(s.milestone_done(m) for s in shares))
            for m in milestones[:4]
        ]
        more = f" · +{len(milestones) - 4} mốc" if len(milestones) > 4 else ""
        if len(whens) == 1:
            lines.append(f"Thời hạn: {whens[0]}")
        else:
            lines.append("Thời hạn: " + " · ".join(whens) + more)
    if len(detail.assignments) > 4:
        lines.append(f"+{len(detail.assignments) - 4} phần việc khác — gõ «/nv {detail.number}» trên máy tính để xem đủ")
    lines.append(_statuses(detail, units, own_unit))
    own = [lead for lead in detail.leads if lead.unit_id == own_unit and can_write]
    buttons = status_buttons(own[0]) if len(own) == 1 else []
    if own:
        lines.append(f"Cập nhật: bấm nút hoặc gõ «nv {detail.number} đang làm 60%».")
    return Reply("\n".join(lines), buttons=buttons)


def _statuses(detail: TaskDetail, units: UnitDirectory, own_unit: str | None) -> str:
    statuses = detail.statuses
    if len(statuses) <= 3:
        parts = []
        for s in statuses:
            note = f" ({short(s.note, 60)})" if s.note else ""
            evidence = f", {s.evidence} minh chứng" if s.evidence else ""
            parts.append(
                f"{status_icon(s.status)} {units.name(s.unit_id)}: {status_text(s.status, s.percent, s.updated)}"
                f"{note}{evidence}"
            )
        return "Tình trạng: " + " · ".join(parts)
    done = sum(1 for s in statuses if s.status == "done")
    counts = {k: sum(1 for s in statuses if s.status == k) for k in ("in_progress", "blocked")}
    counts["not_started"] = sum(1 for s in statuses if s.status == "not_started" and s.updated)
    silent = sum(1 for s in statuses if s.status == "not_started" and not s.updated)
    text = f"Tình trạng: {done}/{len(statuses)} phần việc xong"
    # which units are under way or blocked, when there are few: «1 đang thực hiện: Phòng QLTM (60%)»
    for k, n in counts.items():
        if not n:
            continue
        text += f" · {n} {status_text(k, None).lower()}"
        if k != "not_started" and n <= 2:
            text += ": " + ", ".join(
                units.name(s.unit_id) + (f" ({s.percent}%)" if s.percent is not None else "")
                for s in statuses if s.status == k
            )
    if silent:
        text += f" · {silent} {status_text('not_started', None, updated=False).lower()}"
    mine = [s for s in statuses if s.unit_id == own_unit]
    if mine and own_unit is not None:
        own = mine[0]
        text += f"\n{status_icon(own.status)} {units.name(own_unit)}: {status_text(own.status, own.percent, own.updated)}"
    return text


# -- lists -------------------------------------------------------------------------------------------------
def period_text(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"ngày {start:%d/%m/%Y}"
    quarter_starts = {1: "I", 4: "II", 7: "III", 10: "IV"}
    if start.day == 1 and start.month in quarter_starts and (end - start).days in range(89, 93) and end.year == start.year:
        return f"quý {quarter_starts[start.month]}/{start.year} ({start:%d/%m}–{end:%d/%m})"
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"


def list_title(who: str, period: tuple[dt.date, dt.date] | None, status: str | None, *, routine: bool) -> str:
    parts = [f"**Việc {'thường xuyên ' if routine else ''}của {who}"]
    if status:
        parts.append(STATUS_TITLES.get(status, status))
    if period:
        parts.append(period_text(*period))
    return " — ".join(parts) + "**"


def _line(item: ListItem, today: dt.date, workdays: Workdays | None, units: UnitDirectory, same: list[ListItem] | None) -> str:
    lead, m = item.lead, item.milestone
    label = "" if m.label == m.text else f"{short(m.label, 20)}: "
    text = f"NV {lead.task_number} {short(lead.task_title, LIST_TITLE)} — {label}{milestone_when(m, today, workdays)}"
    if same is None:
        if lead.milestone_done(m) and lead.status != "done":
            return f"{status_icon('done')} {text} · mốc này đã xong"
        extra = f" · {status_text(lead.status, lead.percent)}" if lead.status != "not_started" else ""
        return f"{status_icon(lead.status)} {text}{extra}"
    if len(same) == 1:
        icon = status_icon("done" if same[0].lead.milestone_done(m) else same[0].lead.status)
        return f"{icon} {text} · {units.name(same[0].lead.unit_id)}"
    done = sum(i.lead.milestone_done(m) for i in same)
    return f"• {text} · {len(same)} đơn vị ({done} xong)"


def _group(items: list[ListItem], *, all_units: bool) -> list[tuple[ListItem, list[ListItem] | None]]:
    """One entry per milestone (all units: the units' shares of one milestone together)."""
    if not all_units:
        return [(item, None) for item in items]
    by_milestone: dict[int, list[ListItem]] = {}
    for item in items:
        by_milestone.setdefault(item.milestone.id, []).append(item)
    return [(same[0], same) for same in by_milestone.values()]


def task_list(
    items: list[ListItem], *, title: str, today: dt.date, workdays: Workdays | None, units: UnitDirectory,
    all_units: bool, routine: bool, question: ListPage,
) -> Reply:
    """The page `question.page` of a list; its ◀ ▶ buttons ask the same question (unit, period, status,
    scope, year) for another page. `routine`: the folded groups themselves (after «việc thường xuyên»)."""
    dated = [i for i in items if i.group not in FOLDED]
    folded = [i for i in items if i.group in FOLDED]
    entries = _group(folded if routine else dated, all_units=all_units)
    folded_count = len(_group(folded, all_units=all_units))
    if routine:
        head = f"{len(entries)} việc thường xuyên / chờ sự kiện / theo quy định"
    elif question.status == "overdue" and entries:
        head = f"{len(entries)} mốc trễ hạn"  # one line per milestone (mốc), not per task or share
    elif entries:
        head = f"{len(entries)} việc có hạn trong kỳ"
    else:
        head = "Không có việc nào có hạn trong kỳ. ✅"
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = max(0, min(question.page, pages - 1))
    shown = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [title, head + (f" (trang {page + 1}/{pages})" if pages > 1 else "")]
    previous_group = None
    for item, same in shown:
        if routine and item.group != previous_group:
            lines.append(f"**{GROUP_TITLES[item.group]}**")
            previous_group = item.group
        lines.append(_line(item, today, workdays, units, same))
    if not routine and folded_count and page == pages - 1:
        lines.append(f"+{folded_count} việc thường xuyên — {ROUTINE_HINT}")
    if not entries and not folded_count:
        lines[1] = "Không có việc nào. ✅"
        lines.append("Gõ «hướng dẫn» để xem các cách hỏi khác.")
    buttons: list[Button] = []
    if page > 0:
        buttons.append(Button("◀ Trước", encode(replace(question, page=page - 1))))
    if page < pages - 1:
        buttons.append(Button("Sau ▶", encode(replace(question, page=page + 1))))
    return Reply("\n".join(lines), buttons=[buttons] if buttons else [])
