"""The whole assistant on Zalo: the real channel and the real router against the fake Zalo server, on
the 2022 plan with the clock at 15/08/2022 — registration, a question, a status chosen by number, a
photo as evidence, reminders, linking a second messenger, a refused webhook, API errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from conversation.router import Router
from domain.messages import Reply
from storage.models import ProcessedMessage, StatusUpdate, User
from tests.conversation_kit import AUG_15_2022
from tests.fake_zalo import FakeZalo, image_update, text_update
from tests.fake_zalo.kit import running_zalo


@pytest.fixture
def app(plan_app):
    return plan_app


@pytest.fixture
async def fake():
    async with FakeZalo() as server:
        yield server


class Person:
    """Someone writing to the bot on Zalo, reading the answers the fake server received."""

    def __init__(self, fake: FakeZalo, user_id: str) -> None:
        self.fake = fake
        self.id = user_id

    async def say(self, text: str, *, timeout: float = 10.0) -> str:
        before = len(self.fake.sent(self.id))
        self.fake.push(text_update(self.id, text))
        await self.fake.wait_sent(before + 1, self.id, timeout)
        await self.fake.settled(timeout)  # a long answer may come in several parts
        return "\n".join(self.fake.sent(self.id)[before:])

    async def send_photo(self, url: str, caption: str, *, timeout: float = 10.0) -> str:
        before = len(self.fake.sent(self.id))
        self.fake.push(image_update(self.id, url, caption=caption))
        await self.fake.wait_sent(before + 1, self.id, timeout)
        return "\n".join(self.fake.sent(self.id)[before:])


async def _register(app, person: Person, unit: str = "van-phong", role: str = "head") -> str:
    invite = await app.users.create_invite(unit, role, now=app.clock.now())
    return await person.say(f"đăng ký {invite.code}")


async def _lead_status(app, task: int, unit: str):
    lead = (await app.queries.leads(unit_ids=[unit], task=task))[0]
    return lead.status, lead.percent


async def test_register_ask_and_update_by_number(app, fake):
    async with running_zalo(app, Router(app), fake):
        head = Person(fake, "zalo-head-1")
        assert "chưa đăng ký" in await head.say("quý này có việc gì đến hạn?")
        assert "Đăng ký thành công" in await _register(app, head)

        answer = await head.say("quý này có việc gì đến hạn?")
        dated = answer.split("việc thường xuyên")[0]
        assert "NV 3 " in dated and "NV 8 " in dated and "hạn 30/09" in dated
        assert "**" not in answer  # plain text on Zalo
        assert all(len(t) <= 2000 for t in fake.sent(head.id))

        detail = await head.say("nv 3")
        assert "Trả lời bằng số để chọn:" in detail
        assert "1. ✅ Hoàn thành" in detail and "2. 🔄 Đang làm" in detail
        assert await _lead_status(app, 3, "van-phong") == ("not_started", None)

        assert "Đã ghi nhận" in await head.say("1")
        assert await _lead_status(app, 3, "van-phong") == ("done", 100)
        async with app.sessions() as session:
            update = await session.scalar(select(StatusUpdate))
            assert update.channel == "zalo" and update.status == "done"


async def test_photo_is_stored_as_evidence(app, fake):
    from storage.models import Evidence

    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40 + b"\xff\xd9"
    url = fake.host("bien-ban.jpg", photo, "image/jpeg")
    async with running_zalo(app, Router(app), fake):
        head = Person(fake, "zalo-head-2")
        await _register(app, head)
        answer = await head.send_photo(url, "nv 3 biên bản họp triển khai")
    async with app.sessions() as session:
        evidence = await session.scalar(select(Evidence))
    assert evidence is not None, answer
    digest = hashlib.sha256(photo).hexdigest()
    assert evidence.sha256 == digest and evidence.size == len(photo) and evidence.channel == "zalo"
    stored = Path(evidence.path)
    stored = stored if stored.is_absolute() else app.settings.evidence_path / stored
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest


async def test_reminders_reach_zalo_and_are_answered_by_number(app, fake):

    async with running_zalo(app, Router(app), fake):
        head = Person(fake, "zalo-head-3")
        await _register(app, head)
        await app.senders["zalo"].send(head.id, Reply("🔔 Thử nhắc việc"))  # a plain push
        assert fake.sent(head.id)[-1] == "🔔 Thử nhắc việc"

        before = len(fake.sent(head.id))
        report = await app.reminders.tick(app.senders, AUG_15_2022)  # Monday: weekly digest
        assert report.delivery.sent == 1
        assert "Tổng hợp tuần" in fake.sent(head.id)[before]

        app.clock.set(dt.datetime(2022, 9, 21, 8, 30, tzinfo=AUG_15_2022.tzinfo))  # 7 working days before 30/09
        before = len(fake.sent(head.id))
        report = await app.reminders.tick(app.senders)
        pushed = fake.sent(head.id)[before:]
        assert report.delivery.sent == 1 and len(pushed) == 1  # one grouped message of the day
        last = pushed[-1]  # the reminder on screen: its first numbered choice is «✅ NV n»
        task = int(re.search(r"1\. ✅ NV (\d+)", last).group(1))
        assert task in (3, 5, 7, 8)  # due 30/09, or Q3 reports overdue
        assert "Đã ghi nhận" in await head.say("1")
        # Tasks 3 and 8 end on 30/09; tasks 5 and 7 still have their annual report ahead (milestone-level
        # completion: the reports up to Q3 are done, the share goes on at 3 of 4).
        expected = ("done", 100) if task in (3, 8) else ("in_progress", 75)
        assert await _lead_status(app, task, "van-phong") == expected


async def test_link_zalo_to_a_telegram_user_and_choose_zalo(app, fake):
    telegram = await app.users.register(
        channel="telegram", external_id="tg-77", chat_id="tg-77",
        code=(await app.users.create_invite("van-phong", "head", now=app.clock.now())).code,
        display_name="Chị Lan", now=app.clock.now(),
    )
    link = await app.users.link_invite(telegram.user, app.clock.now())
    async with running_zalo(app, Router(app), fake):
        person = Person(fake, "zalo-77")
        assert "liên kết" in await person.say(f"đăng ký {link.code}")
        assert (await app.users.identify("zalo", "zalo-77")).id == telegram.user.id
        assert "qua Zalo" in await person.say("nhắc qua zalo")
        async with app.sessions() as session:
            assert await session.scalar(select(User.preferred_channel).where(User.id == telegram.user.id)) == "zalo"
        code_answer = await person.say("/lienket")
        assert "Mã liên kết" in code_answer and "Telegram" in code_answer


async def test_webhook_with_a_wrong_secret_processes_nothing(app, fake):
    from web.server import create_web_app

    app.settings.zalo_webhook_url = "https://cchc.example.gov.vn/zalo"
    app.settings.zalo_webhook_secret = "the-right-secret-123"
    invite = await app.users.create_invite("van-phong", "head", now=app.clock.now())
    async with running_zalo(app, Router(app), fake):
        url = "http://web/zalo"
        async with httpx.AsyncClient(transport=httpx.ASGITransport(create_web_app(app))) as http:
            refused = await http.post(url, json=text_update("z9", f"đăng ký {invite.code}"),
                                      headers={"X-Bot-Api-Secret-Token": "the-wrong-secret-123"})
            assert refused.status_code == 403  # answered before the body was read: nothing is in flight
            async with app.sessions() as session:
                assert await session.scalar(select(func.count()).select_from(ProcessedMessage)) == 0
            assert await app.users.identify("zalo", "z9") is None and fake.sent() == []
            accepted = await http.post(url, json=text_update("z9", f"đăng ký {invite.code}"),
                                       headers={"X-Bot-Api-Secret-Token": "the-right-secret-123"})
            assert accepted.status_code == 200
            assert "Đăng ký thành công" in (await fake.wait_sent(1, "z9"))[0]


async def test_api_errors_are_retried_and_poll_timeouts_are_quiet(app, fake, caplog):
    async with running_zalo(app, Router(app), fake):
        await fake.wait_for(lambda f: sum(c.error_code == 408 for c in f.of("getUpdates")) >= 2)
        fake.fail("sendMessage", times=2, status=503, error_code=503)
        head = Person(fake, "zalo-head-5")
        assert "Đăng ký thành công" in await _register(app, head)
    statuses = [c.status for c in fake.of("sendMessage")]
    assert statuses[:3] == [503, 503, 200]
    assert not [r for r in caplog.records if r.name.startswith("bot.channels.zalo.polling") and r.levelname != "INFO"
                and r.levelname != "DEBUG"]
