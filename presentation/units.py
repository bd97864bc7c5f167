"""The department's units as a phone-short list: each name with the short names the assistant reads."""

from __future__ import annotations

from domain.units import UnitDirectory

SHOWN_ALIASES = 3


def units_text(units: UnitDirectory) -> str:
    members = [u for u in units.units if not u.is_external]
    lines = [f"**{len(members)} đơn vị của Sở** — gõ tên hoặc tên viết tắt:"]
    for unit in members:
        short = [a for a in unit.aliases if a.casefold() != unit.name.casefold()][:SHOWN_ALIASES]
        lines.append(f"• {unit.name}" + (f" — {', '.join(short)}" if short else ""))
    lines.append("Ví dụ: «việc của QLTM quý này», «tiến độ Thanh tra».")
    return "\n".join(lines)
