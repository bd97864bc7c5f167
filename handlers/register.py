"""Joining with a one-time invite code ("đăng ký K7Q2XP", /start K7Q2XP from a deep link)."""

from __future__ import annotations

from conversation.context import ROLE_NAMES, Context
from conversation.registry import intent
from domain.messages import Reply
from presentation.status import too_many_guesses

FAILURES = {
    "unknown_code": "Mã «{code}» không đúng. Anh/chị kiểm tra lại mã (6 ký tự, ví dụ K7Q2XP) hoặc xin mã mới ở Văn phòng Sở.",
    "used": "Mã «{code}» đã được dùng. Mỗi mã chỉ dùng một lần — xin Văn phòng Sở cấp mã mới.",
    "expired": "Mã «{code}» đã hết hạn. Xin Văn phòng Sở cấp mã mới.",
}


@intent("register", public=True)
async def register(ctx: Context) -> list[Reply]:
    code = (ctx.nlu.code or "").upper()
    if not code:
        return ctx.reply("Anh/chị gửi kèm mã mời, ví dụ: đăng ký K7Q2XP. Mã do Văn phòng Sở cấp.")
    msg = ctx.message
    outcome = await ctx.app.users.register(
        channel=msg.channel, external_id=msg.sender_id, chat_id=msg.chat_id, code=code,
        display_name=msg.sender_name, now=ctx.now,
    )
    if outcome.message_key == "already":
        user = outcome.user
        return ctx.reply(
            f"Tài khoản này đã đăng ký ({ROLE_NAMES.get(user.role, user.role)} — {ctx.app.units.name(user.unit_id)}). "
            "Gõ «hướng dẫn» để xem trợ lý làm được gì."
        )
    if outcome.message_key == "throttled":
        return ctx.reply(too_many_guesses(outcome.wait_seconds))
    if not outcome.ok:
        return ctx.reply(FAILURES[outcome.message_key].format(code=code))
    user = outcome.user
    unit = ctx.app.units.name(user.unit_id)
    if outcome.message_key == "linked":
        return ctx.reply(f"Đã liên kết tài khoản {msg.channel} này với hồ sơ của anh/chị ({unit}).")
    return ctx.reply(
        f"Đăng ký thành công: **{ROLE_NAMES.get(user.role, user.role)} — {unit}**.\n"
        "Thử hỏi: «quý này có việc gì đến hạn?» hoặc gõ «hướng dẫn»."
    )
