"""Chat wording for targets (chỉ tiêu): goal vs latest figure, recording a figure, what is missing."""

from __future__ import annotations

from conversation.callbacks import Confirm, PickTarget, encode
from domain.messages import Button
from domain.report_period import TITLES
from domain.targets import fmt_goal, fmt_value

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


def target_line(status) -> str:
    """One target on one line: «• 3.1 TTHC thuộc phạm vi: 100% · ▫️ chưa có số liệu» — the goal, then the
    latest figure with its verdict (đạt / chưa đạt / chưa có số liệu)."""
    t, f = status.target, status.figure
    line = f"• **{t.code}** {t.short_name}: {fmt_goal(t.goal, t.direction)}"
    if f is not None:
        line += f" · đạt {figure_text(f.value, f.numerator, f.denominator)}"
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


def overview(year: int, period: str, rows, sections: dict[int, str], *, wanted: int | None,
             missing: list | None = None) -> str:
    lines = [f"**Chỉ tiêu Kế hoạch CCHC {year}** — số liệu {period_name(period)}"]
    current = None
    for row in rows:
        if row.target.section != current:
            current = row.target.section
            lines.append(f"\n**{current}. {sections.get(current, '').capitalize()}**")
        lines.append(target_line(row))
    if not rows:
        lines.append(f"Lĩnh vực {wanted} không có chỉ tiêu." if wanted else "Kế hoạch chưa có chỉ tiêu.")
    if missing:
        lines.append("\n" + missing_line(period, missing))
    lines.append("\nBáo số liệu: «chỉ tiêu ký số quý 3 đạt 97%», «đã kiểm tra 4/7 phòng».")
    return "\n".join(lines)


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
        f"Anh/chị báo **{what}** ({period_name(pending['period'])}) cho chỉ tiêu **{target.code}** — "
        f"{target.short_name} (mục tiêu {fmt_goal(target.goal, target.direction)})?"
    )
    buttons = [[Button("✔️ Đúng, ghi nhận", encode(Confirm("yes")))]]
    for alt in alternatives:
        buttons.append([Button(f"Chỉ tiêu {alt.code}: {alt.short_name}"[:60], encode(PickTarget(alt.id)))])
    buttons.append([Button("✖️ Không", encode(Confirm("no")))])
    if alternatives:
        text += "\nNếu không phải, chọn chỉ tiêu đúng bên dưới."
    return text, buttons


def recorded(outcome, period: str, year: int | None = None) -> str:
    t, f = outcome.target, outcome.figure
    text = (
        f"✅ Đã ghi nhận chỉ tiêu **{t.code}** — {t.short_name}, {period_name(period, year)}: "
        f"**{figure_text(f.value, f.numerator, f.denominator)}**"
    )
    if t.goal is not None:
        text += f" (mục tiêu {fmt_goal(t.goal, t.direction)}: {VERDICT_ICONS[outcome.verdict]})"
    else:
        text += " (chỉ tiêu không định lượng)"
    if outcome.previous is not None:
        text += f"\nSố liệu trước đó: {figure_text(outcome.previous.value)} ({outcome.previous.at:%d/%m/%Y})."
    return text


def detail(target, history, units) -> str:
    """One target: the plan's words, its goal, and every figure reported (who, when, for which period)."""
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
            lines.append(
                f"• {period_name(f.period)}: {figure_text(f.value, f.numerator, f.denominator)} — {who}, "
                f"{f.at:%d/%m/%Y %H:%M}"
            )
    return "\n".join(lines)
