"""The Telegram channel (python-telegram-bot 22). `serve(app, router, stop)` is what `cchc-bot run`
starts when TELEGRAM_BOT_TOKEN is set; see `app.py` for the design and docs/telegram.md for setup."""

from bot.channels.telegram.app import TelegramChannel, bot_username, build_application, serve
from bot.channels.telegram.sender import TelegramSender

__all__ = ["TelegramChannel", "TelegramSender", "bot_username", "build_application", "serve"]
