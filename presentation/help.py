"""Help, greetings, registration and «not understood»: the words of the first minutes with the bot.

The help's lines and quick commands come from the intent table (`conversation.intents`), so a new
capability appears in the help by adding its `IntentSpec`, not by editing this file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conversation.intents import INTENTS, help_sections
from domain.people import UserView
from domain.units import UnitDirectory
from presentation.names import ROLE_NAMES

INTRO_STRANGER = (
    "Trợ lý Kế hoạch CCHC của Sở giúp tra cứu nhiệm vụ, hạn hoàn thành, báo cáo tiến độ và nhắc việc.\n"
    "Để bắt đầu, hãy xin **mã mời** từ Văn phòng Sở rồi gửi: đăng ký MÃ (ví dụ: đăng ký K7Q2XP).\n\n"
)
REGISTER_FAILURES = {
    "unknown_code": "Mã «{code}» không đúng. Anh/chị kiểm tra lại mã (6 ký tự, ví dụ K7Q2XP) hoặc xin mã mới ở Văn phòng Sở.",
    "used": "Mã «{code}» đã được dùng. Mỗi mã chỉ dùng một lần — xin Văn phòng Sở cấp mã mới.",
    "expired": "Mã «{code}» đã hết hạn. Xin Văn phòng Sở cấp mã mới.",
}
REGISTER_NO_CODE = "Anh/chị gửi kèm mã mời, ví dụ: đăng ký K7Q2XP. Mã do Văn phòng Sở cấp."


def examples(*, coordinator: bool) -> str:
    lines: list[str] = []
    for heading, items in help_sections(coordinator=coordinator):
        lines.append(f"**{heading}**: " + " · ".join(items))
    return "\n".join(lines)


def role_line(user: UserView, units: UnitDirectory) -> str:
    return f"{ROLE_NAMES.get(user.role, user.role)} — {units.name(user.unit_id)}"


def topic_section(topic: str | None, *, coordinator: bool) -> str | None:
    """The help section of the intent asked about («muốn báo tiến độ thì làm sao» → «Báo cáo tiến độ»)."""
    spec = next((s for s in INTENTS if s.name == topic), None)
    if spec is None or spec.group is None:
        return None
    for heading, items in help_sections(coordinator=coordinator):
        if heading == spec.group:
            return f"**{heading}**: " + " · ".join(items) + "\nGõ «hướng dẫn» để xem mọi chức năng."
    return None


def help_text(user: UserView | None, units: UnitDirectory, topic: str | None = None) -> str:
    section = topic_section(topic, coordinator=bool(user and user.sees_all_units))
    if section is not None and user is not None:
        return section
    if user is None:
        return INTRO_STRANGER + examples(coordinator=False)
    return (
        f"Anh/chị đang dùng trợ lý với vai trò {role_line(user, units)}. Có thể hỏi bằng tiếng Việt có hoặc "
        f"không dấu:\n\n{examples(coordinator=user.sees_all_units)}"
    )


def whoami_text(user: UserView, units: UnitDirectory) -> str:
    write = "xem và cập nhật tình trạng" if user.can_write else "chỉ xem"
    return f"Anh/chị là **{role_line(user, units)}** ({write}). Gõ «hướng dẫn» để xem trợ lý làm được gì."


def greeting_text(user: UserView | None) -> str:
    if user is None:
        return (
            "Xin chào! Tôi là trợ lý Kế hoạch CCHC của Sở. Anh/chị cần **mã mời** của Văn phòng Sở để đăng ký: "
            "gửi «đăng ký MÃ». Gõ «hướng dẫn» để xem tôi làm được gì."
        )
    return (
        f"Xin chào {user.display_name or 'anh/chị'}! Anh/chị có thể hỏi «quý này có việc gì đến hạn?» "
        "hoặc báo «xong nhiệm vụ 3». Gõ «hướng dẫn» để xem thêm."
    )


def thanks_text(user: UserView | None) -> str:
    """«cảm ơn», «tks», 👍: a person answers a thank-you, they do not greet again."""
    if user is None:
        return "Dạ, không có gì ạ. Khi có mã mời của Văn phòng Sở, anh/chị gửi «đăng ký MÃ» để bắt đầu."
    return "Dạ, không có gì ạ 😊 Cần gì anh/chị cứ nhắn."


def goodbye_text(user: UserView | None) -> str:
    name = f" {user.display_name}" if user is not None and user.display_name else ""
    return f"Chào anh/chị{name}, chúc một ngày làm việc hiệu quả! 👋"


def not_understood_text(user: UserView | None) -> str:
    if user is None:
        return (
            "Tôi chưa hiểu ý anh/chị. Trợ lý chỉ dành cho cán bộ đã đăng ký: hãy gửi «đăng ký MÃ» với mã mời "
            "của Văn phòng Sở, hoặc gõ «hướng dẫn»."
        )
    return (
        "Xin lỗi, tôi chưa hiểu câu này. Anh/chị thử hỏi:\n"
        "• quý này có việc gì đến hạn?\n• nhiệm vụ 17 là gì\n• nv 17 đang làm 60%\n"
        "• khi nào nộp báo cáo quý 3\nHoặc gõ «hướng dẫn» để xem đầy đủ."
    )


def already_registered(user: UserView | None, units: UnitDirectory) -> str:
    """`user` None: registered a moment ago by the same account (two messages at once)."""
    who = f" ({role_line(user, units)})" if user is not None else ""
    return f"Tài khoản này đã đăng ký{who}. Gõ «hướng dẫn» để xem trợ lý làm được gì."


def registered(user: UserView, units: UnitDirectory) -> str:
    return (
        f"Đăng ký thành công: **{role_line(user, units)}**.\n"
        "Thử hỏi: «quý này có việc gì đến hạn?» hoặc gõ «hướng dẫn»."
    )


def linked(channel: str, unit: str) -> str:
    return f"Đã liên kết tài khoản {channel} này với hồ sơ của anh/chị ({unit})."


def register_failed(key: str, code: str) -> str:
    return REGISTER_FAILURES[key].format(code=code)


def plan_year_warning(plan_year: int, today: dt.date, seed: str | Path) -> str:
    """The console's warning when the stored plan is for another year than today's."""
    return (
        f"⚠️ Kế hoạch đang lưu là của năm {plan_year}, còn hôm nay là {today:%d/%m/%Y}: các câu hỏi «quý này», "
        f"«tháng sau» sẽ không có việc nào. Nạp kế hoạch đúng năm: cchc-bot plan import {seed} --year {today.year} "
        f"(hoặc dùng một thư mục dữ liệu riêng: CCHC_DATA_DIR=/tmp/cchc-{today.year})."
    )
