"""The fake Telegram Bot API of every Telegram test (see `server.py` for its API)."""

from tests.fake_telegram.sender import BotApiSender
from tests.fake_telegram.server import (
    TELEGRAM_LIMITS,
    Call,
    FakeTelegram,
    FakeTelegramProcess,
    Limits,
    TgUser,
    Upload,
)

__all__ = ["TELEGRAM_LIMITS", "BotApiSender", "Call", "FakeTelegram", "FakeTelegramProcess", "Limits", "TgUser", "Upload"]
