"""Progress answers: short counts, the asker's own unit first, zeros left out."""

from __future__ import annotations

from collections import Counter

from domain.messages import OutgoingFile, Reply

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def roman(number: int) -> str:
    return ROMAN[number - 1] if 1 <= number <= len(ROMAN) else str(number)


def summary(counts: Counter, verified: int | None = None) -> str:
    """«✅ 12/40 phần việc xong (30%) · 🔄 5 đang làm · ❗ 2 phần việc trễ hạn» — counts of shares (phần
    việc), as the projection counts them; zeros are left out."""
    total = counts.get("total", 0)
    done = counts.get("done", 0)
    share = f"{round(100 * done / total)}%" if total else "0%"
    checked = f", {verified} đã xác nhận" if verified else ""
    parts = [f"✅ {done}/{total} phần việc xong ({share}{checked})"]
    for key, icon, word in (
        ("in_progress", "🔄", "đang làm"), ("blocked", "⚠️", "vướng"), ("overdue", "❗", "phần việc trễ hạn"),
    ):
        if counts.get(key, 0):
            parts.append(f"{icon} {counts[key]} {word}")
    return " · ".join(parts)


def unit_line(name: str, counts: Counter) -> str:
    text = f"• {name}: {counts.get('done', 0)}/{counts.get('total', 0)} xong"
    if counts.get("overdue", 0):
        text += f", {counts['overdue']} phần việc trễ hạn"
    if counts.get("blocked", 0):
        text += f", {counts['blocked']} vướng"
    return text


def areas_line(areas: list[tuple[int, Counter]]) -> str:
    return "Theo lĩnh vực: " + " · ".join(f"{roman(n)} {c.get('done', 0)}/{c.get('total', 0)}" for n, c in areas)


def refusal(own: str, asked: str) -> str:
    return f"Anh/chị xem được tiến độ của {own} và toàn Sở; tiến độ của {asked} do Văn phòng Sở theo dõi.\n"


def unit_progress(refused: str, name: str, counts: Counter, verified: int, total: Counter,
                  areas: list[tuple[int, Counter]]) -> str:
    return "\n".join([
        f"{refused}**Tiến độ của {name}**", summary(counts, verified), f"Toàn Sở: {summary(total)}", areas_line(areas),
    ])


def department_progress(total: Counter, verified: int, units: list[tuple[str, Counter]] | None,
                        own: tuple[str, Counter] | None, areas: list[tuple[int, Counter]]) -> str:
    lines = []
    if own is not None:  # a head: their own unit first
        lines += [f"**Tiến độ của {own[0]}**", summary(own[1]), ""]
    lines += ["**Tiến độ toàn Sở**", summary(total, verified)]
    if units:
        lines += [unit_line(name, counts) for name, counts in units]
    lines.append(areas_line(areas))
    return "\n".join(lines)


def chart_title(year: int, who: str) -> str:
    return f"Tiến độ Kế hoạch CCHC năm {year} — {who}"


def chart_subtitle(when: str) -> str:
    return f"đến ngày {when}"


def chart(path, who: str, when: str) -> Reply:
    caption = f"Biểu đồ tiến độ — {who}, đến ngày {when}"
    return Reply(file=OutgoingFile(path, "tien-do.png", "image/png", caption, as_photo=True))
