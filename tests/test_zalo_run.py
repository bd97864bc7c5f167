"""`cchc-bot run` as an operator starts it, with both tokens set: one process serves Telegram and Zalo
(each against its local fake server) and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from tests.fake_telegram import FakeTelegram, TgUser
from tests.fake_zalo import FakeZalo, text_update


async def test_run_serves_telegram_and_zalo_together(tmp_path):
    async with FakeTelegram() as telegram, FakeZalo() as zalo:
        env = {
            **os.environ, "CCHC_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "CCHC_TODAY": "2022-08-15",
            "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_BASE_URL": telegram.base_url,
            "TELEGRAM_BASE_FILE_URL": telegram.base_file_url,
            "ZALO_BOT_TOKEN": zalo.token, "ZALO_BASE_URL": zalo.base_url, "ZALO_WEBHOOK_URL": "",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            await zalo.wait_for(lambda f: bool(f.of("getUpdates")), timeout=30)
            await telegram.wait_for(lambda c: c.method == "getUpdates", timeout=30)
            zalo.push(text_update("zalo-guest", "hướng dẫn"))
            stranger = TgUser(7010, "Khách")
            telegram.message(stranger, "/start")
            (zalo_answer,) = await zalo.wait_sent(1, "zalo-guest", timeout=15)
            (telegram_answer,) = await telegram.wait_sent(stranger.id, timeout=15)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 20)
    log = stderr.decode()
    assert "mã mời" in zalo_answer and "**" not in zalo_answer
    assert "mã mời" in telegram_answer.text
    assert process.returncode == 0, log[-2000:]
    assert zalo.token not in log and telegram.token not in log
    assert zalo.of("deleteWebhook")  # polling mode
