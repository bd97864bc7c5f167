"""The invite's t.me link: the bot's username comes from the settings, else from getMe asked by the
Telegram channel (python-telegram-bot's own request machinery); a failed look-up leaves no link."""

from __future__ import annotations

from bot.channels.telegram import bot_username
from tests.conftest import make_settings
from tests.fake_telegram.server import FakeTelegram


async def test_username_from_the_settings_needs_no_network(tmp_path):
    settings = make_settings(tmp_path, telegram_bot_username="@cchc_so_bot", telegram_bot_token="1:x",
                             telegram_base_url="http://127.0.0.1:9/bot")
    assert await bot_username(settings) == "cchc_so_bot"


async def test_username_asked_with_getme_and_none_when_refused(tmp_path):
    async with FakeTelegram() as fake:
        good = make_settings(tmp_path, telegram_bot_token=fake.token, telegram_base_url=fake.base_url,
                             telegram_base_file_url=fake.base_file_url)
        wrong = make_settings(tmp_path, telegram_bot_token="999:wrong-token", telegram_base_url=fake.base_url,
                              telegram_base_file_url=fake.base_file_url)
        assert await bot_username(good) == "cchc_test_bot"
        assert await bot_username(wrong) is None
        assert [c.method for c in fake.calls_to("getMe")] == ["getMe"]  # the wrong token never got an answer
    assert await bot_username(make_settings(tmp_path)) is None  # no token: no look-up, no link
