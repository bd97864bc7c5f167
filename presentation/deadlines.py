"""Wording about milestones imported without a date («cần xác định thời hạn») and dating them by chat."""

from __future__ import annotations

import datetime as dt

from presentation.format import fmt_date

NEEDS_DATE = "cần xác định thời hạn"
DEADLINE_HOW = "Đặt hạn cho một nhiệm vụ theo mẫu: «nv 3 hạn 30/06»."
DEADLINE_FORBIDDEN = "Chỉ Văn phòng Sở (điều phối) đặt thời hạn cho nhiệm vụ. Không có gì thay đổi."
NONE_WAITING = "Mọi mốc của kế hoạch đều đã có thời hạn."
_SHOWN = 8


def import_summary(items: list[tuple[int, str]]) -> str:
    """The last line of an import: «3 mốc cần xác định thời hạn: nhiệm vụ 3 «…», …» and how to set them."""
    shown = ", ".join(f"nhiệm vụ {task} «{phrase or 'chưa ghi'}»" for task, phrase in items[:_SHOWN])
    more = f" và {len(items) - _SHOWN} mốc khác" if len(items) > _SHOWN else ""
    first = items[0][0]
    return (
        f"{len(items)} mốc {NEEDS_DATE}: {shown}{more}. Đặt hạn bằng chat («nv {first} hạn 30/06») "
        "hoặc sửa thời hạn trong tệp rồi nhập lại."
    )


def waiting_list(rows: list[tuple[int, str, str]]) -> str:
    """The coordinators' list of milestones that still need a date."""
    if not rows:
        return NONE_WAITING
    lines = [f"**{len(rows)} mốc {NEEDS_DATE}**"]
    lines.extend(f"• NV {task}: {label}" + (f" — «{text}»" if text and text != label else "") for task, label, text in rows)
    lines.append(f"Đặt hạn: «nv {rows[0][0]} hạn 30/06».")
    return "\n".join(lines)


def nothing_to_set(task: int) -> str:
    return f"Nhiệm vụ {task} không có mốc nào {NEEDS_DATE}. Không có gì thay đổi."


def deadline_set(task: int, labels: tuple[str, ...], day: dt.date) -> str:
    which = "; ".join(f"«{label}»" for label in labels)
    return f"Đã đặt hạn {fmt_date(day)} cho nhiệm vụ {task}: {which}. Nhắc việc sẽ tính theo hạn này."


def unknown_units_summary(items: list[tuple[int, str, str | None]]) -> str:
    """«"P. Kinh tế" — đơn vị chưa có trong danh mục; có phải "Phòng Quản lý Thương mại"?», per unit."""
    lines = [f"{len(items)} đơn vị chủ trì chưa có trong danh mục (Văn phòng Sở tạm theo dõi các dòng này):"]
    for task, name, suggestion in items:
        ask = f"; có phải «{suggestion}»?" if suggestion else ""
        lines.append(f"• nhiệm vụ {task}: «{name}» — đơn vị chưa có trong danh mục{ask}")
    lines.append("Thêm tên này vào aliases của đơn vị trong units.yaml rồi nhập lại kế hoạch.")
    return "\n".join(lines)
