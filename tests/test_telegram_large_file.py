"""A document over 20 MB whose update does not say its size: Telegram's getFile refuses it, and the
user is told the file is too big (not «gửi lại sau ít phút», which would never work)."""

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
