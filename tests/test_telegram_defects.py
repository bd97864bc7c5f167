"""Telegram details: a document over 20 MB whose update does not say its size (getFile refuses it) is
called too big, not «gửi lại sau ít phút», which would never work; the same status button pressed
twice on one answer is recorded once."""

from __future__ import annotations

from tests.fake_telegram import TgUser
from tests.fake_telegram.harness import telegram_bot

HEAD = TgUser(701, "Trưởng phòng")


async def test_an_undeclared_file_over_20_mb_is_called_too_big(tmp_path):
    async with telegram_bot(tmp_path) as bot:
        await bot.register(HEAD, "thanh-tra")
        [reply] = await bot.send(lambda: bot.fake.document(
            HEAD, None, file_name="bien-ban.pdf", mime_type="application/pdf", size=25 * 1024 * 1024,
            declare_size=False, caption="nv 4 biên bản"), HEAD.id)
    assert "vượt giới hạn 20,0 MB" in reply.text
    assert "ít phút" not in reply.text
    assert "chưa được lưu" in reply.text


async def test_the_same_status_button_pressed_twice_on_one_answer_is_recorded_once(tmp_path):
    from sqlalchemy import func, select

    from storage.models import StatusUpdate

    async with telegram_bot(tmp_path) as bot:
        await bot.register(HEAD, "thanh-tra")
        [detail] = await bot.ask(HEAD, "nhiệm vụ 4 là gì")
        data = next(b["callback_data"] for b in detail.buttons if b.get("callback_data", "").endswith(":in_progress"))
        [first] = await bot.press(HEAD, data, message=detail)
        [second] = await bot.press(HEAD, data, message=detail)
        async with bot.app.sessions() as session:
            recorded = await session.scalar(select(func.count()).select_from(StatusUpdate))
    assert "Đã ghi nhận" in first.text
    assert "đã được ghi nhận trước đó" in second.text
    assert recorded == 1
