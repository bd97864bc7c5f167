"""The Telegram channel with a stub engine: what Telegram sees (HTML, splitting, keyboards, edits),
groups, retries, blocked users, webhooks, errors and the token in logs. The real PTB Application
runs against the local fake Bot API server; the conversation engine is replaced so these tests do not
depend on the NLU."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from sqlalchemy import select

from bot.channels.telegram.app import COMMANDS
from bot.channels.telegram.render import CAPTION_LIMIT, TEXT_LIMIT
from domain.messages import TELEGRAM, Button, Incoming, OutgoingFile, Reply, Unreachable
from storage.models import Identity
from tests.fake_telegram import FakeTelegram, TgUser
from tests.fake_telegram.harness import telegram_bot
from tests.waiting import eventually

AN = TgUser(501, "An")
BINH = TgUser(502, "Bình")
GROUP = {"id": -100777, "type": "supergroup", "title": "Văn phòng Sở"}


class StubEngine:
    """Answers with whatever `respond(message)` returns; remembers what it was given."""

    def __init__(self, respond=None) -> None:
        self.seen: list[Incoming] = []
        self.respond = respond or (lambda m: [Reply(f"Bạn nói: {m.text or m.callback_data}")])

    async def handle(self, message: Incoming) -> list[Reply]:
        self.seen.append(message)
        result = self.respond(message)
        return await result if asyncio.iscoroutine(result) else result


def visible(html: str) -> str:
    import re

    return re.sub(r"</?(b|i)>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def test_text_is_html_escaped_split_at_4096_with_buttons_under_the_last_part(tmp_path):
    long_text = "**Danh sách** <nv> & co\n" + "\n".join(f"NV {i} " + "x" * 90 for i in range(120))
    engine = StubEngine(lambda m: [Reply(long_text, buttons=[[Button("Sau ▶", "ls:*:-:-:-:1")]])])
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        update = bot.fake.message(AN, "danh sách")
        await eventually(lambda: "".join(visible(c.params["text"]) for c in bot.fake.sent(AN.id)).count("NV ") == 120,
                         what="every part of the answer")
        sent = bot.fake.sent(AN.id)
    assert len(sent) >= 3
    assert all(len(visible(c.params["text"])) <= TEXT_LIMIT for c in sent)
    assert sent[0].params["parse_mode"] == "HTML"
    assert sent[0].params["text"].startswith("<b>Danh sách</b> &lt;nv&gt; &amp; co")
    assert "".join(visible(c.params["text"]) + "\n" for c in sent).count("NV ") == 120  # nothing lost
    assert [bool(c.buttons) for c in sent] == [False] * (len(sent) - 1) + [True]
    assert sent[-1].buttons == [{"text": "Sau ▶", "callback_data": "ls:*:-:-:-:1"}]
    assert engine.seen[0].message_id == str(update["update_id"])  # the idempotency key
    assert engine.seen[0].chat_id == str(AN.id) and engine.seen[0].sender_name == "An"


async def test_a_button_press_answers_the_query_and_edits_the_message_when_the_reply_asks(tmp_path):
    def respond(m: Incoming):
        if m.callback_data:
            return [Reply("Trang 2", buttons=[[Button("◀ Trước", "ls:0")]], edit=True)]
        return [Reply("Trang 1", buttons=[[Button("Sau ▶", "ls:1")]])]

    engine = StubEngine(respond)
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        [page1] = await bot.ask(AN, "việc")
        [edited] = await bot.press(AN, "ls:1", message=page1)
    assert edited.method == "editMessageText"
    assert edited.params["message_id"] == page1.result["message_id"]
    assert edited.text == "Trang 2"
    assert bot.fake.calls_to("answerCallbackQuery"), "the spinner must stop"
    assert engine.seen[-1].callback_data == "ls:1" and engine.seen[-1].text == ""


async def test_a_file_reply_keeps_its_caption_within_1024_and_sends_the_rest_as_text(tmp_path):
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    long_caption = "Ghi chú " * 300  # 2,400 characters

    def respond(m):
        return [
            Reply(file=OutgoingFile(pdf, "bien-ban.pdf", "application/pdf", caption="NV 3 · Văn phòng")),
            Reply(long_caption, file=OutgoingFile(pdf, "dai.pdf", "application/pdf")),
        ]

    engine = StubEngine(respond)
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        bot.fake.message(AN, "gửi tệp")
        await bot.fake.wait_for(lambda c: c.method == "sendDocument", count=2)
        await eventually(lambda: "".join(c.text for c in bot.fake.sent(AN.id) if c.method == "sendMessage")
                         .count("Ghi chú") == 300, what="the long caption, as messages")
    docs = bot.fake.calls_to("sendDocument")
    assert [d.files["document"].filename for d in docs] == ["bien-ban.pdf", "dai.pdf"]
    assert docs[0].files["document"].data == b"%PDF-1.4 test"
    assert docs[0].params["caption"] == "NV 3 · Văn phòng"
    assert "caption" not in docs[1].params  # too long for a caption…
    texts = [c.text for c in bot.fake.sent(AN.id) if c.method == "sendMessage"]
    assert "".join(texts).count("Ghi chú") == 300  # …so it follows as messages
    assert all(len(visible(t)) <= TEXT_LIMIT for t in texts) and CAPTION_LIMIT == 1024


async def test_group_messages_reach_the_bot_only_when_addressed_to_it(tmp_path):
    engine = StubEngine()
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        fake = bot.fake
        fake.message(AN, "hôm nay họp lúc mấy giờ?", chat=GROUP)  # people talking to each other
        fake.message(AN, "/viec@another_bot", chat=GROUP)  # another bot's command
        [cmd] = await bot.ask(AN, "/viec@cchc_test_bot quý này", chat=GROUP)
        [mention] = await bot.ask(AN, "@cchc_test_bot nv 17 là gì", chat=GROUP)
        reply_to_bot = fake.make_message(BINH, "xong rồi", chat=GROUP)
        reply_to_bot["reply_to_message"] = fake.message_of(mention)
        before = len(fake.sent(GROUP["id"]))
        fake.push({"message": reply_to_bot})
        [answer] = await fake.wait_sent(GROUP["id"], after=before)  # a chat's updates are handled in order
    assert [m.text for m in engine.seen] == ["/viec quý này", "nv 17 là gì", "xong rồi"]
    assert all(m.is_group and m.chat_id == str(GROUP["id"]) for m in engine.seen)
    assert engine.seen[1].sender_id == str(AN.id)
    assert cmd.chat_id == GROUP["id"] and answer.text == "Bạn nói: xong rồi"


async def test_start_in_a_group_points_to_the_private_chat(tmp_path):
    engine = StubEngine()
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        [reply] = await bot.ask(AN, "/start@cchc_test_bot K7Q2XP", chat=GROUP)
        [typed] = await bot.ask(AN, "@cchc_test_bot đăng ký K7Q2XP", chat=GROUP)
    assert engine.seen == []  # the code is not used in front of the group (nor bound to the group chat)
    assert reply.buttons == [{"text": "💬 Mở chat riêng", "url": "https://t.me/cchc_test_bot"}]
    assert typed.buttons == reply.buttons and "chat riêng" in typed.text


async def test_private_replies_asked_in_a_group_go_to_the_private_chat_or_offer_to_open_it(tmp_path):
    engine = StubEngine(lambda m: [Reply("Việc của Văn phòng: NV 3, NV 8", private_only=True)])
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        fake = bot.fake
        [notice] = await bot.ask(AN, "/viec", chat=GROUP)
        [private] = fake.sent(AN.id)
        fake.block(BINH.id, "Forbidden: bot can't initiate conversation with a user")  # never started the bot
        [open_chat] = await bot.ask(BINH, "/viec", chat=GROUP)
    assert private.text == "Việc của Văn phòng: NV 3, NV 8"
    assert "gửi riêng cho An" in notice.text and "NV 3" not in notice.text
    assert "NV 3" not in open_chat.text and "Bình" in open_chat.text
    assert open_chat.buttons == [{"text": "💬 Mở chat riêng", "url": "https://t.me/cchc_test_bot"}]


# PTB builds RetryAfter's own message through its deprecated int `retry_after`; not ours to fix.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_is_retried_after_retry_after_and_the_message_arrives(tmp_path):
    engine = StubEngine()
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        bot.fake.fail("sendMessage", status=429, retry_after=1)
        [reply] = await bot.ask(AN, "xin chào", timeout=15)
    attempts = bot.fake.calls_to("sendMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0  # waited as Telegram asked
    assert reply.text == "Bạn nói: xin chào"


async def test_a_blocked_user_becomes_unreachable_and_reachable_again_when_writing(tmp_path):
    engine = StubEngine()
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        app, fake = bot.app, bot.fake
        invite = await app.users.create_invite("van-phong", "head", now=app.clock.now())
        await app.users.register(channel=TELEGRAM, external_id=str(AN.id), chat_id=str(AN.id), code=invite.code,
                                 display_name="An", now=app.clock.now())
        sender = app.senders[TELEGRAM]
        fake.block(AN.id)
        with pytest.raises(Unreachable):
            await sender.send(str(AN.id), Reply("🔔 Nhắc việc: NV 3 đến hạn 30/09/2022"))
        assert await _reachable(app, AN.id) is False
        fake.unblock(AN.id)
        await bot.ask(AN, "xin chào")
        assert await _reachable(app, AN.id) is True
        fake.push({"my_chat_member": {  # the user blocks the bot from the Telegram app
            "chat": AN.private_chat, "from": AN.as_dict(), "date": 0,
            "old_chat_member": {"status": "member", "user": fake.bot_user},
            "new_chat_member": {"status": "kicked", "user": fake.bot_user, "until_date": 0},
        }})
        await eventually(lambda: _unreachable(app, AN.id), what="the blocking user marked unreachable")


async def _unreachable(app, user_id: int) -> bool:
    return await _reachable(app, user_id) is False


async def _reachable(app, user_id: int) -> bool:
    async with app.sessions() as session:
        return await session.scalar(select(Identity.reachable).where(Identity.external_id == str(user_id)))


async def test_the_command_menu_is_published_in_vietnamese(tmp_path):
    engine = StubEngine()
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        pass
    commands = {c["command"]: c["description"] for c in bot.fake.commands}
    assert set(commands) == {name for name, _ in COMMANDS}
    assert {"start", "viec", "quynay", "nv", "capnhat", "minhchung", "huongdan"} <= set(commands)
    assert commands["huongdan"] == "Hướng dẫn sử dụng"


async def test_an_error_is_logged_with_context_and_the_user_gets_an_apology(tmp_path, caplog):
    def respond(m):
        raise RuntimeError("boom")

    engine = StubEngine(respond)
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        [reply] = await bot.ask(AN, "xin chào")
    assert reply.text.startswith("Xin lỗi")
    failed = [r for r in caplog.records if "telegram update failed" in r.getMessage()]
    assert failed and f"chat={AN.id}" in failed[0].getMessage() and failed[0].exc_info


async def test_the_token_never_appears_in_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    engine = StubEngine()
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        await bot.ask(AN, "xin chào")
        bot.fake.fail("sendMessage", status=400, description="Bad Request: boom")
        await bot.ask(AN, "lỗi nhé")  # the failure is logged with its traceback, then an apology
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "getUpdates" in text  # URLs were logged…
    assert bot.fake.token not in text  # …without the token
    assert bot.fake.token.split(":")[1] not in text
    assert "<TOKEN>" in text


async def test_updates_of_one_chat_keep_their_order_while_other_chats_go_on(tmp_path):
    order: list[str] = []
    other_chat_done = asyncio.Event()

    async def respond(m: Incoming):
        if m.text == "chậm":  # held until the other chat has been answered: that chat must not wait for this one
            await asyncio.wait_for(other_chat_done.wait(), 10)
        order.append(m.text)
        if m.text == "người khác":
            other_chat_done.set()
        return [Reply(m.text)]

    engine = StubEngine(respond)
    async with telegram_bot(tmp_path, engine=engine, seed=False) as bot:
        fake = bot.fake
        fake.message(AN, "chậm")
        fake.message(AN, "sau đó")
        fake.message(BINH, "người khác")
        await fake.wait_sent(AN.id, 2)
    assert order == ["người khác", "chậm", "sau đó"]


async def test_webhook_mode_checks_the_secret_token(tmp_path):
    """Webhook mode through the real web server (uvicorn): the route checks the secret and puts the
    update into PTB's Application (its documented custom-webhook pattern)."""
    from web.server import create_web_app, serve

    engine = StubEngine()
    async with FakeTelegram() as fake, telegram_bot(
        tmp_path, engine=engine, seed=False, fake=fake,
        telegram_webhook_url="https://cchc.example.gov.vn/telegram", telegram_webhook_secret="s3cret-Token_1",
    ) as bot:
        assert fake.webhook == {"url": "https://cchc.example.gov.vn/telegram", "secret_token": "s3cret-Token_1"}
        stop, started, bound = asyncio.Event(), asyncio.Event(), []
        web = asyncio.create_task(serve(create_web_app(bot.app), "127.0.0.1", 0, stop, started=started, bound=bound))
        await asyncio.wait_for(started.wait(), 10)
        try:
            fake.webhook_target = f"http://127.0.0.1:{bound[0]}/telegram"  # what the reverse proxy forwards to
            forged = await fake.post_to_webhook(fake.make_update_message(AN, "giả mạo"), secret="wrong")
            missing = await fake.post_to_webhook(fake.make_update_message(AN, "không có khoá"), secret=None)
            async with httpx.AsyncClient() as client:
                garbage = await client.post(fake.webhook_target, content=b"[1, 2",
                                             headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"})
            ok = await fake.post_to_webhook(fake.make_update_message(AN, "xin chào"))
            [reply] = await fake.wait_sent(AN.id)
            assert not fake.calls_to("getUpdates")
        finally:
            stop.set()
            await web
    assert forged.status_code == 403 and missing.status_code == 403 and ok.status_code == 200
    assert garbage.status_code == 400 and "Traceback" not in garbage.text
    assert [m.text for m in engine.seen] == ["xin chào"]
    assert reply.text == "Bạn nói: xin chào"


async def test_webhook_without_a_secret_is_refused(tmp_path):
    from bot.cli import CliError

    engine = StubEngine()
    with pytest.raises(CliError, match="TELEGRAM_WEBHOOK_SECRET"):
        async with telegram_bot(tmp_path, engine=engine, seed=False,
                                telegram_webhook_url="https://cchc.example.gov.vn/telegram"):
            pass


def test_fake_server_rejects_a_wrong_token():
    async def run():
        async with FakeTelegram() as fake, httpx.AsyncClient() as client:
            return await client.post(f"{fake.base_url}wrong/getMe")

    assert asyncio.run(run()).status_code == 401


async def test_a_bot_api_unreachable_at_start_is_waited_out(tmp_path, monkeypatch):
    """The server may boot before its network: the channel retries getMe instead of exiting."""
    from bot.channels import startup

    monkeypatch.setattr(startup, "FIRST_DELAY", 0.05)
    async with FakeTelegram() as fake:
        fake.fail("getMe", status=502, times=2, description="Bad Gateway")
        async with telegram_bot(tmp_path, engine=StubEngine(), seed=False, fake=fake) as bot:
            [reply] = await bot.ask(AN, "xin chào")
    assert reply.text == "Bạn nói: xin chào"
    assert [c.status for c in fake.calls if c.method == "getMe"][:3] == [502, 502, 200]


async def test_a_stop_while_the_bot_api_is_unreachable_ends_the_wait(tmp_path, monkeypatch):
    from bot.bootstrap import build_app
    from bot.channels import startup
    from bot.channels.telegram import serve
    from tests.conftest import make_settings

    monkeypatch.setattr(startup, "FIRST_DELAY", 30)  # only the stop can end this wait
    async with FakeTelegram() as fake:
        fake.fail("getMe", status=502, times=100, description="Bad Gateway")
        app = await build_app(make_settings(tmp_path, telegram_bot_token=fake.token, telegram_base_url=fake.base_url))
        try:
            stop = asyncio.Event()
            task = asyncio.create_task(serve(app, StubEngine(), stop))
            await fake.wait_for(lambda c: c.method == "getMe")
            stop.set()
            await asyncio.wait_for(task, 5)  # returns without an error, long before the retry was due
        finally:
            await app.close()
    assert not any(c.method == "getUpdates" for c in fake.calls)
