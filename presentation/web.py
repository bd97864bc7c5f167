"""Chat wording of `/web`: the one-time sign-in link (and, in Telegram, the Mini App button)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from domain.messages import TELEGRAM, Button, Reply

MINI_APP_PATH = "/telegram-mini-app"


def web_link_reply(url: str, expires_at: dt.datetime, tz: ZoneInfo, *, channel: str, base_url: str) -> Reply:
    """The link is private (it signs in as the asker) and used once; Telegram over HTTPS also gets a
    button that opens the page inside Telegram, signed in by Telegram's own signature."""
    until = expires_at.astimezone(tz)
    text = (
        "🌐 **Trang theo dõi Kế hoạch CCHC**\n"
        f"Đường dẫn đăng nhập của anh/chị (dùng **một lần**, hết hạn lúc {until:%H:%M %d/%m/%Y}):\n"
        f"{url}\n"
        "Không chuyển tiếp đường dẫn này cho người khác. Hết hạn thì gõ /web để nhận đường dẫn mới."
    )
    buttons: list[list[Button]] = []
    if channel == TELEGRAM and base_url.startswith("https://"):
        text += "\nHoặc bấm «Mở trang tổng quan» để xem ngay trong Telegram."
        buttons = [[Button("📊 Mở trang tổng quan", "", url=base_url.rstrip("/") + MINI_APP_PATH, web_app=True)]]
    return Reply(text, buttons=buttons, private_only=True)


def web_not_running() -> str:
    return (
        "🌐 Trang theo dõi trên web chưa chạy ở máy chủ này.\n"
        "Người quản trị bật bằng một trong hai cách:\n"
        "• chạy kèm trợ lý: đặt WEB_PORT=8080 rồi chạy lại `./scripts/run`;\n"
        "• chạy riêng: `./scripts/cchc web serve`.\n"
        "Trên máy chủ thật, đặt WEB_BASE_URL là địa chỉ công khai của trang (docs/operations.md). "
        "Sau đó gõ /web để nhận đường dẫn đăng nhập."
    )
