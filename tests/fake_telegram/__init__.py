"""A local fake of the Telegram Bot API (see `server.py`)."""

from tests.fake_telegram.server import Call, FakeTelegram, TgUser, Upload

__all__ = ["Call", "FakeTelegram", "TgUser", "Upload"]
