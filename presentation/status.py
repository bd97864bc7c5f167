"""Wording the handlers share about status reports and refused attempts."""

from __future__ import annotations


def percent_range_reply(task: int, wrong: int) -> str:
    """A percentage above 100: say the valid range, write nothing."""
    return (
        f"Tỷ lệ {wrong}% không hợp lệ: tiến độ ghi từ 0% đến 100%. Tình trạng nhiệm vụ {task} chưa thay đổi.\n"
        f"Gửi lại, ví dụ: «nv {task} đang làm 60%» hoặc «xong nhiệm vụ {task}»."
    )


def too_many_guesses(wait_seconds: int) -> str:
    """Five wrong invite codes in a minute: the next attempt waits."""
    return (
        f"Anh/chị đã nhập sai mã mời nhiều lần. Vui lòng chờ {wait_seconds} giây rồi gửi lại «đăng ký MÃ»; "
        "nếu chưa có mã đúng, xin Văn phòng Sở cấp mã mới."
    )
