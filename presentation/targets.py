"""Chat wording for targets (chỉ tiêu): goal vs latest figure, recording a figure, what is missing."""

from __future__ import annotations

from conversation.callbacks import Confirm, PickTarget, TargetsPage, encode
from domain.messages import Button, Reply
from domain.targets import fmt_value
from presentation.format import fmt_goal
from presentation.periods import TITLES

VERDICT_ICONS = {True: "✅ đạt", False: "⚠️ chưa đạt", None: "▫️ chưa có số liệu"}
READ_ONLY = (
    "Số liệu chỉ tiêu do trưởng đơn vị hoặc Văn phòng Sở báo cáo; vai trò của anh/chị chỉ xem. "
    "Gõ «chỉ tiêu» để xem kết quả các chỉ tiêu."
)
UNKNOWN = (
    "Tôi chưa nhận ra anh/chị báo số liệu cho chỉ tiêu nào, nên chưa ghi gì. Gõ «/chitieu» để xem danh sách, "
    "rồi báo theo mã, ví dụ: «chỉ tiêu 7.1 quý 3 đạt 97%»."
)
BAD_VALUE = (
    "Số liệu không hợp lệ (tỷ lệ phải từ 0 đến 100%, tử số không lớn hơn mẫu số), chưa ghi gì. "
    "Ví dụ: «đã kiểm tra 4/7 phòng» hoặc «tỷ lệ hồ sơ trực tuyến quý 3: 41,5%»."
)
DUPLICATE = "Số liệu này đã được ghi nhận trước đó."
EXPIRED = "Yêu cầu ghi số liệu đã hết hạn. Anh/chị gửi lại nhé."


def period_name(period: str, year: int | None = None) -> str:
    name = TITLES.get(period, period)
    return f"{name} {year}" if year else name


def figure_text(value: float | None, numerator: int | None = None, denominator: int | None = None) -> str:
    text = fmt_value(value)
    return f"{text} ({numerator}/{denominator})" if denominator else text


def target_line(status, period: str | None = None) -> str:
    """One target: «• **3.1** <the plan's full wording> — mục tiêu 100% · đạt 97% ✅». The wording is never
    cut (the chat wraps it); a figure of another period than the one asked (the annual view falls back to
    the year's latest) says which period it is."""
    t, f = status.target, status.figure
    line = f"• **{t.code}** {t.text.rstrip('. ')} — mục tiêu {fmt_goal(t.goal, t.direction)}"
    if f is not None:
        line += f" · đạt {figure_text(f.value, f.numerator, f.denominator)}"
        if period is not None and f.period != period:
            line += f" (số liệu {period_name(f.period)})"
        if t.goal is not None:
            line += f" {VERDICT_ICONS[status.verdict]}"
    elif t.goal is not None:
        line += f" · {VERDICT_ICONS[None]}"
    return line


def required_line(status) -> str:
    """«phải đạt tối thiểu mấy %»: the required level first, then the latest figure."""
    t = status.target
    if t.goal is None:
        return f"Chỉ tiêu **{t.code}** {t.short_name}: không định lượng, không có mức % bắt buộc."
    rest = target_line(status).split(fmt_goal(t.goal, t.direction), 1)[1]  # « · đạt 97% ✅» or « · ▫️ …»
    return f"Chỉ tiêu **{t.code}** {t.short_name}: yêu cầu **{fmt_goal(t.goal, t.direction)}**{rest}"


def several(rows, period: str) -> str:
    """A question that matches several targets equally: every one of them, none chosen for the reader."""
    return "\n".join([f"Có {len(rows)} chỉ tiêu khớp câu hỏi:", *(target_line(r, period) for r in rows)])


PAGE_CHARS = 1200  # an area's targets in full wording are paged to fit a phone (answers stay ≤ 1,500)


def _pages(lines: list[str]) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    for line in lines:
        if pages[-1] and sum(len(x) + 1 for x in pages[-1]) + len(line) > PAGE_CHARS:
            pages.append([])
        pages[-1].append(line)
    return pages


def overview(year: int, period: str, rows, sections: dict[int, str], *, wanted: int | None,
             missing: list | None = None, page: int = 0) -> Reply:
    """One area's targets with goal and figure, in the plan's full wording, paged (◀ ▶) when long."""
    if not rows:
        return Reply(f"Lĩnh vực {wanted} không có chỉ tiêu." if wanted else "Kế hoạch chưa có chỉ tiêu.")
    pages = _pages([target_line(row, period) for row in rows])
    page = max(0, min(page, len(pages) - 1))
    title = sections.get(rows[0].target.section, "").capitalize()
    head = f"**Chỉ tiêu lĩnh vực {wanted or rows[0].target.section}. {title}** — số liệu {period_name(period)} {year}"
    if len(pages) > 1:
        head += f" (trang {page + 1}/{len(pages)})"
    lines = [head, *pages[page]]
    if missing:
        lines.append("\n" + missing_line(period, missing))
    if page == len(pages) - 1:
        lines.append("\nBáo số liệu: «chỉ tiêu ký số quý 3 đạt 97%», «đã kiểm tra 4/7 phòng».")
    number = rows[0].target.section
    buttons = []
    if page > 0:
        buttons.append(Button("◀ Trước", encode(TargetsPage(number, page - 1))))
    if page < len(pages) - 1:
        buttons.append(Button("Sau ▶", encode(TargetsPage(number, page + 1))))
    return Reply("\n".join(lines), buttons=[buttons] if buttons else [])


def missing_line(period: str, missing: list) -> str:
    """The coordinators' chase list: the quantified targets with no figure for the period."""
    codes = ", ".join(t.code for t in missing)
    return (
        f"📋 **Chưa có số liệu {period_name(period)}** ({len(missing)} chỉ tiêu định lượng): {codes}.\n"
        "Nhắc các đơn vị báo bằng tin nhắn, ví dụ «chỉ tiêu 7.1 quý 3 đạt 97%»."
    )


# How a figure's period is typed in an example (the annual report's period is December's default).
SPOKEN_PERIODS = {"Q1": " quý 1", "Q2": " quý 2", "H1": " 6 tháng", "Q3": " quý 3", "Y": ""}
GAP_NAMES = 3  # targets named in a check-in's «chưa có số liệu» line; the rest are counted


def example_figure(period: str, code: str) -> str:
    """«chỉ tiêu 3.6 quý 3 đạt 97%»: a figure as a unit types it (the code is always understood)."""
    return f"chỉ tiêu {code}{SPOKEN_PERIODS.get(period, '')} đạt 97%"


def gaps_line(period_words: str, period: str, targets, *, for_unit: str = "", limit: int = GAP_NAMES) -> str:
    """A check-in's one line of the targets with no figure for the period: «📈 Chỉ tiêu chưa có số liệu
    quý III (10): 3.1 TTHC thuộc phạm vi; 3.2 …; 3.3 … +7 — gửi ví dụ «chỉ tiêu 3.1 quý 3 đạt 97%»».
    `targets`: (code, short name) pairs; `for_unit`: the unit a delegate answers for."""
    names = "; ".join(f"{code} {name}" for code, name in targets[:limit])
    more = f" +{len(targets) - limit}" if len(targets) > limit else ""
    who = f"_Thay cho {for_unit}:_ " if for_unit else ""
    return (f"📈 {who}Chỉ tiêu chưa có số liệu {period_words} ({len(targets)}): {names}{more} — "
            f"gửi ví dụ «{example_figure(period, targets[0][0])}»")


def gaps_count_line(period_words: str, period: str, targets, quantified: int, cutoff: str) -> str:
    """The coordinators' line: how many of the plan's quantified targets have no figure before the cut-off."""
    return (f"📈 Chỉ tiêu chưa có số liệu {period_words}: **{len(targets)}/{quantified}** cần trước {cutoff} — "
            f"gõ «chỉ tiêu» để xem; đơn vị báo «{example_figure(period, targets[0][0])}»")


def no_section(wanted: int, count: int) -> str:
    return f"Kế hoạch không có lĩnh vực số {wanted}. Các lĩnh vực: 1–{count}."


def confirm(target, pending: dict, alternatives: list) -> tuple[str, list[list[Button]]]:
    what = figure_text(pending["value"], pending.get("numerator"), pending.get("denominator"))
    text = (
        f"Anh/chị báo **{what}** ({period_name(pending['period'])}"
        f"{FOURTH_QUARTER_NOTE if pending.get('q4') and pending['period'] == 'Y' else ''}) cho chỉ tiêu "
        f"**{target.code}** — «{target.text.rstrip('. ')}» (mục tiêu {fmt_goal(target.goal, target.direction)})?"
    )
    buttons = [[Button("✔️ Đúng, ghi nhận", encode(Confirm("yes")))]]
    for alt in alternatives:
        buttons.append([Button(f"Chỉ tiêu {alt.code}: {alt.short_name}"[:60], encode(PickTarget(alt.id)))])
    buttons.append([Button("✖️ Không", encode(Confirm("no")))])
    if alternatives:
        text += "\nNếu không phải, chọn chỉ tiêu đúng bên dưới."
    return text, buttons


# «quý 4» is said back as what it means: the annual period (docs/contracts.md §1.1).
FOURTH_QUARTER_NOTE = " (quý IV không có báo cáo riêng: số liệu quý IV ghi vào kỳ cả năm)"


def recorded(outcome, period: str, year: int | None = None, cutoff=None, *, fourth_quarter: bool = False) -> str:
    """`cutoff`: the period's report cut-off when the figure came after it — said, so that nobody believes
    a draft made earlier holds it."""
    t, f = outcome.target, outcome.figure
    said = period_name(period, year) + (FOURTH_QUARTER_NOTE if fourth_quarter and period == "Y" else "")
    text = (
        f"✅ Đã ghi nhận chỉ tiêu **{t.code}** — «{t.text.rstrip('. ')}», {said}: "
        f"**{figure_text(f.value, f.numerator, f.denominator)}**"
    )
    if t.goal is not None:
        text += f" (mục tiêu {fmt_goal(t.goal, t.direction)}: {VERDICT_ICONS[outcome.verdict]})"
    else:
        text += " (chỉ tiêu không định lượng)"
    if outcome.previous is not None:
        text += f"\nSố liệu trước đó: {figure_text(outcome.previous.value)} ({outcome.previous.at:%d/%m/%Y})."
    if cutoff is not None:
        text += (f"\n⚠️ Số liệu báo sau ngày chốt {cutoff:%d/%m/%Y} của báo cáo {period_name(period)}: dự thảo "
                 "báo cáo ghi số liệu này là «báo sau ngày chốt», không tính vào kết quả của kỳ.")
    return text


def detail(target, history, units, cutoffs=None) -> str:
    """One target: the plan's words, its goal, and every figure reported (who, when, for which period);
    `cutoffs` (period → its report's cut-off day) marks the figures typed after their period's cut-off."""
    lines = [
        f"**Chỉ tiêu {target.code}** — {target.short_name}",
        f"_{target.text}_",
        f"Mục tiêu: {fmt_goal(target.goal, target.direction)}",
    ]
    if not history:
        lines.append("Chưa có số liệu nào được báo cáo.")
    else:
        lines.append("**Số liệu đã báo cáo:**")
        for f in history:
            who = f.who or (units.name(f.unit_id) if f.unit_id else "?")
            cutoff = (cutoffs or {}).get(f.period)
            late = f" _(báo sau ngày chốt {cutoff:%d/%m})_" if cutoff is not None and f.at.date() > cutoff else ""
            lines.append(
                f"• {period_name(f.period)}: {figure_text(f.value, f.numerator, f.denominator)} — {who}, "
                f"{f.at:%d/%m/%Y %H:%M}{late}"
            )
    return "\n".join(lines)
