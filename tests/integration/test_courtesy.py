"""Courtesy answered as a person would: thanks are not greeted back, a goodbye gets a goodbye, a thumbs-up is
taken as thanks; `/web` without a web server says so and how to start it, with WEB_BASE_URL it gives the link."""

from __future__ import annotations

import pytest

from bot.bootstrap import build_app
from conversation.router import Router
from presentation.help import goodbye_text, thanks_text
from presentation.web import web_not_running
from tests.conftest import make_settings
from tests.conversation_kit import registered


@pytest.mark.parametrize("text", ["cảm ơn", "cám ơn nhé", "thanks", "tks", "Cảm ơn bạn nhiều", "ok cảm ơn",
                                  "thank you", "👍", "🙏"])
async def test_thanks_are_answered_not_greeted(app, text: str) -> None:
    router = Router(app)
    chat = await registered(app, router, "vp", "van-phong")
    answer = await chat.text(text)
    assert answer == thanks_text(await app.users.identify("test", "vp"))
    assert "Xin chào" not in answer


@pytest.mark.parametrize("text", ["tạm biệt", "bye", "chào nhé", "hẹn gặp lại", "bye bye bạn"])
async def test_goodbyes_get_a_goodbye(app, text: str) -> None:
    router = Router(app)
    chat = await registered(app, router, "vp", "van-phong")
    assert await chat.text(text) == goodbye_text(await app.users.identify("test", "vp"))


def test_thanks_and_goodbyes_are_the_contracts_greeting(tmp_path) -> None:
    """Answered apart in chat, but `cchc-bot nlu` (docs/contracts.md §3) keeps to the contract's intents."""
    import json

    from tests.cli_kit import cli

    lines = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in ("cảm ơn nha", "tạm biệt", "👍"))
    result = cli(tmp_path, "nlu", "--today", "2022-08-15", stdin=lines)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["intent"] for line in result.stdout.splitlines()] == ["greeting"] * 3


async def test_greetings_and_questions_are_unchanged(app) -> None:
    router = Router(app)
    chat = await registered(app, router, "vp", "van-phong")
    assert (await chat.text("xin chào")).startswith("Xin chào")
    assert (await chat.text("👋")).startswith("Xin chào")
    assert "không có gì" not in await chat.text("cảm ơn, nhiệm vụ 17 là gì")


async def test_web_without_a_server_says_how_to_start_it(app) -> None:
    router = Router(app)
    chat = await registered(app, router, "vp", "van-phong")
    answer = await chat.text("/web")
    assert answer == web_not_running() and "127.0.0.1" not in answer and "web serve" in answer
    app.web_running = True  # this process serves the web view (`run` with WEB_PORT)
    assert "127.0.0.1:8080/" in await chat.text("/web")


async def test_web_with_a_base_url_gives_its_link(tmp_path) -> None:
    from tests import db_templates

    settings = make_settings(tmp_path, web_base_url="https://cchc.example.gov.vn")
    await db_templates.prepare(settings)
    app = await build_app(settings)
    try:
        chat = await registered(app, Router(app), "vp", "van-phong")
        assert "https://cchc.example.gov.vn/" in await chat.text("/web")
    finally:
        await app.close()
