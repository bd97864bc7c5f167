"""`cchc-bot run` as an operator starts it, with both tokens set: one process serves Telegram and Zalo
(each against its local fake server) and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import httpx
import pytest

from tests.fake_telegram import FakeTelegram, TgUser
from tests.fake_zalo import FakeZalo, text_update
from tests.waiting import eventually


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _healthz(port: int, timeout: float = 60.0) -> httpx.Response:
    """GET /healthz once the web server answers and both channels are up."""
    async with httpx.AsyncClient() as client:

        async def healthy() -> httpx.Response | None:
            try:
                response = await client.get(f"http://127.0.0.1:{port}/healthz")
            except httpx.ConnectError:
                return None
            return response if response.status_code == 200 else None

        return await eventually(healthy, timeout=timeout, interval=0.1, what=f"/healthz on port {port} answering 200")


@pytest.mark.heavy
async def test_run_serves_telegram_and_zalo_together(tmp_path):
    port = _free_port()
    async with FakeTelegram() as telegram, FakeZalo() as zalo:
        env = {
            **os.environ, "CCHC_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "CCHC_TODAY": "2022-08-15",
            "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_BASE_URL": telegram.base_url,
            "TELEGRAM_BASE_FILE_URL": telegram.base_file_url,
            "ZALO_BOT_TOKEN": zalo.token, "ZALO_BASE_URL": zalo.base_url, "ZALO_WEBHOOK_URL": "",
            "WEB_LISTEN": "127.0.0.1", "WEB_PORT": str(port),
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
            health = await _healthz(port)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 20)
    log = stderr.decode()
    assert "mã mời" in zalo_answer and "**" not in zalo_answer
    assert "mã mời" in telegram_answer.text
    assert process.returncode == 0, log[-2000:]
    assert zalo.token not in log and telegram.token not in log
    assert zalo.of("deleteWebhook")  # polling mode
    assert health.status_code == 200  # WEB_PORT set: `run` serves the web server too
    assert health.json() == {"status": "ok", "database": "ok", "scheduler": "ok",
                             "channels": ["telegram", "zalo"], "webhooks": []}
