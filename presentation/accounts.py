"""One person on two messengers (/lienket, «nhắc qua zalo»), and the answers to reminder settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from conversation.callbacks import ReminderChannel, encode
from domain.messages import TELEGRAM, ZALO, Button, Reply

REMINDERS_OFF = "🔕 Đã tắt nhắc nhở. Anh/chị vẫn hỏi việc bình thường; nhắn «bật lại» khi cần nhắc trở lại.\n"
REMINDERS_ON = "🔔 Đã bật nhắc nhở.\n"
REMINDERS_RESUMED = "▶️ Đã bỏ tạm hoãn.\n"
ASK_DAYS = "Anh/chị muốn được nhắc trước bao nhiêu ngày làm việc? Ví dụ: «nhắc trước 5 ngày»."
BAD_DAYS = "Số ngày không hợp lệ."
OLD_REMINDER_BUTTON = "Nút này đã cũ. Gõ /nhacnho để xem cài đặt nhắc việc."

CHANNEL_NAMES = {TELEGRAM: "Telegram", ZALO: "Zalo"}  # the messengers as users read their names
NO_LINKED_ACCOUNT = "chưa có"
NO_CHANNEL_CHOSEN = "chưa chọn (gửi qua tài khoản đã đăng ký)"


def other_messenger(here: str) -> str:
    """Where to send a link code from: the messenger the person is not on now."""
    return {TELEGRAM: CHANNEL_NAMES[ZALO], ZALO: CHANNEL_NAMES[TELEGRAM]}.get(
        here, f"{CHANNEL_NAMES[TELEGRAM]} hoặc {CHANNEL_NAMES[ZALO]}"
    )


def days_before_set(days: int) -> str:
    return f"✅ Từ nay nhắc trước {days} ngày làm việc.\n"


def link_code(code: str, expires_at: dt.datetime, other: str, telegram_link: str | None) -> str:
    lines = [
        f"🔗 Mã liên kết: **{code}** (dùng một lần, hết hạn {expires_at:%H:%M %d/%m/%Y}).",
        f"Mở trợ lý CCHC trên {other} và gửi: đăng ký {code}",
    ]
    if telegram_link:
        lines.append(f"Trên Telegram có thể bấm: {telegram_link}")
    lines.append("Sau đó chọn nơi nhận nhắc việc: «nhắc qua zalo» hoặc «nhắc qua telegram».")
    return "\n".join(lines)


def no_account(name: str, wanted: str) -> str:
    return (
        f"Anh/chị chưa liên kết tài khoản {name} với trợ lý. Gõ /lienket để nhận mã, rồi gửi "
        f"«đăng ký MÃ» cho trợ lý trên {name}; sau đó nhắn lại «nhắc qua {wanted}»."
    )


def channel_set(name: str, *, unreachable: bool) -> str:
    text = f"✅ Từ nay nhắc việc gửi qua **{name}**."
    if unreachable:
        text += f"\nLưu ý: lần trước trợ lý không gửi được tin cho tài khoản {name} này (đã chặn trợ lý?)."
    return text


def accounts_overview(preferred: str | None, linked: Sequence[str], messengers: Sequence[str]) -> Reply:
    """Where reminders go, which messengers are linked (with a button each), how to link the others."""
    return overview(
        CHANNEL_NAMES.get(preferred or "", NO_CHANNEL_CHOSEN),
        ", ".join(CHANNEL_NAMES[c] for c in linked) or NO_LINKED_ACCOUNT,
        [(c, CHANNEL_NAMES[c]) for c in linked],
        [CHANNEL_NAMES[c] for c in messengers if c not in linked],
    )


def overview(current: str, linked: str, channels: list[tuple[str, str]], missing: list[str]) -> Reply:
    text = f"Nhắc việc đang gửi qua: **{current}**.\nTài khoản đã liên kết: {linked}."
    buttons = [[Button(f"📱 Nhắc qua {name}", encode(ReminderChannel(channel))) for channel, name in channels]]
    if missing:
        text += f"\nĐể nhận nhắc qua {' hoặc '.join(missing)}: gõ /lienket để nhận mã liên kết."
    return Reply(text, buttons=buttons if channels else [])
