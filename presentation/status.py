"""Wording about status reports that the handlers share."""

from __future__ import annotations


def percent_range_reply(task: int, wrong: int) -> str:
    """A percentage above 100: say the valid range, write nothing."""
    return (
        f"Tỷ lệ {wrong}% không hợp lệ: tiến độ ghi từ 0% đến 100%. Tình trạng nhiệm vụ {task} chưa thay đổi.\n"
        f"Gửi lại, ví dụ: «nv {task} đang làm 60%» hoặc «xong nhiệm vụ {task}»."
    )
