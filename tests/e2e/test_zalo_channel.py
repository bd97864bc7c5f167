"""The Zalo channel around a scripted engine: polling, webhook security, groups, photos, pushes.

The conversation itself is covered with the real router in test_zalo_e2e.py; here the engine only
records what it was given, so each test pins one behaviour of the channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re

import httpx
import pytest

from bot.channels.zalo import ZaloConfigError, serve
from domain.messages import Button, Incoming, Reply, RetryLater, Unreachable
from presentation.channels import ZALO_STICKER, ZALO_WITHHELD
from tests.fake_zalo import FakeZalo, image_update, sticker_update, text_update, unsupported_update
from tests.fake_zalo.kit import running_zalo


class ScriptedEngine:
    """Answers every message with `answer(message)` and remembers what it saw."""

    def __init__(self, answer=None) -> None:
        self.seen: list[Incoming] = []
        self.answer = answer or (lambda m: [Reply(f"Đã nhận: {m.text}")])

    async def handle(self, message: Incoming) -> list[Reply]:
        self.seen.append(message)
        return self.answer(message)


@pytest.fixture
async def fake():
    async with FakeZalo() as server:
        yield server


async def test_polling_answers_and_treats_408_quietly(app, fake, caplog):
    engine = ScriptedEngine()
    with caplog.at_level(logging.INFO, logger="bot.channels.zalo"):
        async with running_zalo(app, engine, fake):
            await fake.wait_for(lambda f: len(f.of("getUpdates")) >= 3)  # idle polls ended in 408
            fake.push(text_update("u1", "xin chào"))
            assert await fake.wait_sent(1, "u1") == ["Đã nhận: xin chào"]
            await fake.settled()
            assert [m.text for m in engine.seen] == ["xin chào"]  # the refused posts were never handled
            assert app.senders["zalo"].channel == "zalo"
    assert "zalo" not in app.senders  # unregistered on shutdown
    assert fake.of("deleteWebhook")  # polling clears a leftover webhook first
    assert sum(c.error_code == 408 for c in fake.of("getUpdates")) >= 3
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert engine.seen[0].channel == "zalo" and engine.seen[0].sender_name == "Nguyễn Văn A"


async def test_polling_backs_off_on_errors_and_recovers(app, fake):
    fake.fail("getUpdates", times=3, status=502, error_code=502)
    engine = ScriptedEngine()
    async with running_zalo(app, engine, fake):
        fake.push(text_update("u1", "sau sự cố"))
        assert await fake.wait_sent(1, "u1", timeout=15) == ["Đã nhận: sau sự cố"]
    polls = fake.of("getUpdates")
    assert [c.status for c in polls[:4]] == [502, 502, 502, 200]
    assert polls[2].at - polls[1].at > polls[1].at - polls[0].at  # 0.2 s, then 0.4 s


async def test_answer_survives_api_errors_with_retries(app, fake, caplog):
    fake.fail("sendMessage", times=2, status=500, error_code=500)
    async with running_zalo(app, ScriptedEngine(), fake):
        fake.push(text_update("u1", "câu hỏi"))
        assert await fake.wait_sent(1, "u1") == ["Đã nhận: câu hỏi"]
    sends = fake.of("sendMessage")
    assert [c.status for c in sends] == [500, 500, 200]
    # the backoff grows, and each retry waited at least its delay (wall-clock gaps on a loaded machine
    # only have that lower bound, so the delays come from the client's own log)
    delays = [float(d) for d in re.findall(r"sendMessage failed \(500\), retry \d/\d in ([\d.]+)s", caplog.text)]
    assert len(delays) == 2 and delays[1] > delays[0]
    assert sends[1].at - sends[0].at >= delays[0] - 0.005 and sends[2].at - sends[1].at >= delays[1] - 0.005


async def test_one_chat_is_answered_in_order(app, fake):
    engine = ScriptedEngine()
    async with running_zalo(app, engine, fake):
        fake.push(*(text_update("u1", str(i)) for i in range(5)))
        sent = await fake.wait_sent(5, "u1")
    assert sent == [f"Đã nhận: {i}" for i in range(5)]


async def test_buttons_are_numbered(app, fake):
    engine = ScriptedEngine(lambda m: [Reply("Chọn:", buttons=[[Button("Một", "a:1"), Button("Hai", "a:2")]])])
    async with running_zalo(app, engine, fake):
        fake.push(text_update("u1", "nv 3"))
        (text,) = await fake.wait_sent(1, "u1")
    assert text.endswith("1. Một\n2. Hai")


async def test_stickers_and_unsupported_get_a_hint_not_the_engine(app, fake):
    engine = ScriptedEngine()
    async with running_zalo(app, engine, fake):
        fake.push(sticker_update("u1"), unsupported_update("u1"))
        assert await fake.wait_sent(2, "u1") == [ZALO_STICKER, ZALO_WITHHELD]
    assert engine.seen == []


async def test_group_only_commands_and_mentions_reach_the_engine(app, fake):
    engine = ScriptedEngine()
    async with running_zalo(app, engine, fake):
        fake.push(
            text_update("u1", "chào cả nhà", chat_id="g1", chat_type="GROUP"),
            text_update("u1", "@Trợ lý CCHC quý này có việc gì?", chat_id="g1", chat_type="GROUP"),
            text_update("u2", "/viec", chat_id="g1", chat_type="GROUP"),
        )
        await fake.wait_sent(2, "g1")
    assert [m.text for m in engine.seen] == ["quý này có việc gì?", "/viec"]
    assert all(m.is_group for m in engine.seen)


async def test_registration_in_a_group_is_sent_to_the_private_chat(app, fake):
    engine = ScriptedEngine()
    async with running_zalo(app, engine, fake):
        fake.push(text_update("u1", "/dangky K7Q2XP", chat_id="g1", chat_type="GROUP", name="Chị Lan"),
                  text_update("u1", "@Trợ lý CCHC đăng ký K7Q2XP", chat_id="g1", chat_type="GROUP", name="Chị Lan"))
        sent = await fake.wait_sent(2, "g1")
    assert engine.seen == []
    assert all("chat riêng" in text and "Chị Lan" in text for text in sent)


async def test_private_data_asked_in_a_group_goes_to_the_private_chat(app, fake):
    invite = await app.users.create_invite("van-phong", "head", now=app.clock.now())
    await app.users.register(channel="zalo", external_id="u1", chat_id="u1", code=invite.code,
                             display_name="Chị Lan", now=app.clock.now())
    engine = ScriptedEngine(lambda m: [Reply("Việc của Văn phòng: NV 3", private_only=True)])
    async with running_zalo(app, engine, fake):
        fake.push(text_update("u1", "/viec", chat_id="g1", chat_type="GROUP", name="Chị Lan"),
                  text_update("u9", "/viec", chat_id="g1", chat_type="GROUP", name="Anh Minh"))
        await fake.wait_sent(2, "g1")
    assert fake.sent("u1") == ["Việc của Văn phòng: NV 3"]
    group = fake.sent("g1")
    assert "gửi riêng cho Chị Lan" in group[0] and "Anh Minh vui lòng nhắn riêng" in group[1]
    assert not any("NV 3" in t for t in group)


async def test_photo_is_downloaded_at_once_for_a_registered_sender(app, fake):
    invite = await app.users.create_invite("van-phong", "head", now=app.clock.now())
    await app.users.register(channel="zalo", external_id="u1", chat_id="u1", code=invite.code,
                             display_name="", now=app.clock.now())
    photo = b"\xff\xd8\xff\xe0" + b"jpeg" * 1000
    url = fake.host("a.jpg", photo, "image/jpeg")
    got: list[bytes] = []

    def answer(message):
        return [Reply("ok")]

    engine = ScriptedEngine(answer)
    async with running_zalo(app, engine, fake):
        fake.push(image_update("u1", url, caption="nv 3 biên bản"))
        await fake.wait_sent(1, "u1")
        fake.files.clear()  # the URL expires: the engine must still get the bytes
        (attachment,) = engine.seen[0].attachments
        got.append(await attachment.fetch())
    assert hashlib.sha256(got[0]).hexdigest() == hashlib.sha256(photo).hexdigest()
    assert attachment.mime_type == "image/jpeg" and attachment.size == len(photo)
    assert engine.seen[0].text == "nv 3 biên bản"


@pytest.mark.parametrize(
    ("data", "content_type", "declared", "expected"),
    [
        (b"<html>", "text/html", None, "không phải ảnh"),
        (b"x" * 3000, "image/jpeg", None, "quá lớn"),
        (b"x" * 3000, "image/png", -1, "quá lớn"),  # no Content-Length: capped while streaming
        (b"x" * 10, "image/png", 10_000_000, "quá lớn"),  # declared too large
    ],
)
async def test_photo_refused_before_the_engine(app, fake, data, content_type, declared, expected):
    app.settings.evidence_max_bytes = 2048
    invite = await app.users.create_invite("van-phong", "head", now=app.clock.now())
    await app.users.register(channel="zalo", external_id="u1", chat_id="u1", code=invite.code,
                             display_name="", now=app.clock.now())
    url = fake.host("bad", data, content_type, declared)
    engine = ScriptedEngine()
    async with running_zalo(app, engine, fake):
        fake.push(image_update("u1", url))
        (text,) = await fake.wait_sent(1, "u1")
    assert expected in text
    assert engine.seen == []


async def test_push_with_buttons_remembers_the_numbers(app, fake):
    async with running_zalo(app, ScriptedEngine(), fake):
        sender = app.senders["zalo"]
        await sender.send("u5", Reply("🔔 Nhắc việc NV 3", buttons=[[Button("✅ Hoàn thành", "st:7:done")]]))
    assert fake.sent("u5") == ["🔔 Nhắc việc NV 3\n\nTrả lời bằng số để chọn:\n1. ✅ Hoàn thành"]
    state = await app.inbox.get_state("zalo", "u5", app.clock.now())
    assert state["choices"] == ["st:7:done"]


async def test_push_errors_map_to_unreachable_and_retry_later(app, fake):
    async with running_zalo(app, ScriptedEngine(), fake):
        sender = app.senders["zalo"]
        fake.fail("sendMessage", times=1, error_code=404, description="User not found")
        with pytest.raises(Unreachable):
            await sender.send("u5", Reply("x"))
        # 403 is documented as a server-side error: not «unreachable», retried later
        fake.fail("sendMessage", times=5, error_code=403, description="Forbidden")  # every attempt
        with pytest.raises(RetryLater):
            await sender.send("u6", Reply("x"))
        assert "u6" not in sender.unreachable
        fake.fail("sendMessage", times=1, error_code=408, description="Request timeout")
        await sender.send("u7", Reply("một lần nữa"))  # a 408 is retried, and the message goes out
        assert fake.sent("u7") == ["một lần nữa"]
        fake.fail("sendMessage", times=10, status=429, error_code=429, retry_after=0.01)
        with pytest.raises(RetryLater):
            await sender.send("u5", Reply("x"))


async def test_a_blocked_chat_is_reachable_again_when_the_person_writes(app, fake):
    invite = await app.users.create_invite("van-phong", "head", now=app.clock.now())
    await app.users.register(channel="zalo", external_id="u1", chat_id="u1", code=invite.code,
                             display_name="", now=app.clock.now())
    await app.reachability.set_reachable("zalo", "u1", False)  # as the delivery engine does after a 403
    async with running_zalo(app, ScriptedEngine(), fake):
        fake.push(text_update("u1", "xin chào"))
        await fake.wait_sent(1, "u1")
    assert await app.reachability.unreachable_chats("zalo") == set()


# -- webhook -----------------------------------------------------------------------------------------
SECRET = "s3cret-for-zalo-webhook"


def _webhook_settings(app) -> None:
    app.settings.zalo_webhook_url = "https://cchc.example.gov.vn/zalo/hook"
    app.settings.zalo_webhook_secret = SECRET


async def test_webhook_refuses_a_wrong_secret_and_processes_a_right_one(app, fake):
    """Webhook mode: the channel registers its endpoint with the web server, which checks the secret."""
    from web.server import create_web_app

    _webhook_settings(app)
    engine = ScriptedEngine()
    async with running_zalo(app, engine, fake):
        assert fake.webhook == {"url": "https://cchc.example.gov.vn/zalo/hook", "secret_token": SECRET}
        url = "http://web/zalo/hook"
        update = text_update("u1", "xin chào", message_id="w1")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(create_web_app(app))) as http:
            wrong = await http.post(url, json=update, headers={"X-Bot-Api-Secret-Token": "not-the-secret"})
            missing = await http.post(url, json=update)
            elsewhere = await http.post(url.replace("/hook", "/other"), json=update,
                                        headers={"X-Bot-Api-Secret-Token": SECRET})
            assert (wrong.status_code, missing.status_code, elsewhere.status_code) == (403, 403, 404)
            bad_json = await http.post(url, content=b"{not json", headers={"X-Bot-Api-Secret-Token": SECRET})
            assert bad_json.status_code == 400
            assert engine.seen == [] and fake.sent() == []  # refused requests never reach the channel
            right = await http.post(url, json=update, headers={"X-Bot-Api-Secret-Token": SECRET})
            assert right.status_code == 200 and right.json() == {"ok": True}
            assert await fake.wait_sent(1, "u1") == ["Đã nhận: xin chào"]
            await fake.settled()
            assert [m.text for m in engine.seen] == ["xin chào"]  # the refused posts were never handled
    assert fake.of("getUpdates") == []  # webhook mode never polls
    assert "zalo" not in app.webhooks  # unregistered on shutdown


async def test_webhook_secret_is_checked_before_start(app, fake):
    app.settings.zalo_bot_token = fake.token
    app.settings.zalo_base_url = fake.base_url
    app.settings.zalo_webhook_url = "https://cchc.example.gov.vn/zalo"
    app.settings.zalo_webhook_secret = "short"
    with pytest.raises(ZaloConfigError, match="8–256"):
        await serve(app, ScriptedEngine(), asyncio.Event())
    assert fake.calls == []


async def test_refused_token_stops_with_a_clear_error(app, fake):
    app.settings.zalo_bot_token = "wrong-token"
    app.settings.zalo_base_url = fake.base_url
    with pytest.raises(ZaloConfigError, match="ZALO_BOT_TOKEN"):
        await serve(app, ScriptedEngine(), asyncio.Event())
