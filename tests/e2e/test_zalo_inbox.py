"""Zalo on the durable inbox, the fair dispatcher and the shared pacer (docs/operations.md):

- an update is stored before it is acknowledged (the next getUpdates / the webhook's 200), so one the
  process stopped before handling is answered after the restart;
- a redelivered update is answered once; an update another process handled first gets no apology;
- a flooding user is throttled (one notice) while a colleague is answered promptly;
- answers and pushes draw from one pacer;
- a setWebhook Zalo refuses is reported (ERROR log, one printed line, /healthz down with the reason).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time

import httpx
import pytest

from domain.messages import Incoming, Reply
from presentation.inbox import TOO_FAST
from services.inbox import RECOVER_GRACE, StoredUpdate
from services.pacing import LocalBudget, Pacer
from tests.fake_zalo import FakeZalo, text_update
from tests.fake_zalo.kit import running_zalo
from tests.waiting import eventually

SECRET = "s3cret-for-zalo-webhook"
HEADERS = {"X-Bot-Api-Secret-Token": SECRET}


class Engine:
    """Answers «Đã nhận: …»; `hold` makes it wait (the process is stopped while it waits)."""

    def __init__(self, hold: bool = False) -> None:
        self.seen: list[Incoming] = []
        self.entered = asyncio.Event()
        self.hold = hold

    async def handle(self, message: Incoming) -> list[Reply]:
        self.seen.append(message)
        self.entered.set()
        if self.hold:
            await asyncio.Event().wait()  # never: cancelled when the channel stops
        return [Reply(f"Đã nhận: {message.text}")]


@pytest.fixture
async def fake():
    async with FakeZalo() as server:
        yield server


def _webhook(app) -> None:
    app.settings.zalo_webhook_url = "https://cchc.example.gov.vn/zalo/hook"
    app.settings.zalo_webhook_secret = SECRET


async def _post(app, update: dict) -> httpx.Response:
    from web.server import create_web_app

    async with httpx.AsyncClient(transport=httpx.ASGITransport(create_web_app(app))) as http:
        return await http.post("http://web/zalo/hook", json=update, headers=HEADERS)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_an_update_acknowledged_then_stopped_is_answered_after_the_restart(app, fake, mode):
    if mode == "webhook":
        _webhook(app)
    stuck = Engine(hold=True)
    async with running_zalo(app, stuck, fake):
        if mode == "polling":
            fake.push(text_update("u1", "nv 3 xong", message_id="m-1"))
            polls = len(fake.of("getUpdates"))
            # Zalo handed it out, and the bot asked for the next one: it was acknowledged
            await fake.wait_for(lambda f: len(f.of("getUpdates")) > polls + 1)
        else:
            assert (await _post(app, text_update("u1", "nv 3 xong", message_id="m-1"))).status_code == 200
        await asyncio.wait_for(stuck.entered.wait(), 5)  # in hand when the process stops
        assert await app.inbox.counts("zalo") == {"new": 1}  # stored before the acknowledgement
    assert fake.sent("u1") == []
    if mode == "webhook":  # other workers may be alive: a restarted one takes rows untouched for the grace
        await _age_rows(app, RECOVER_GRACE)

    engine = Engine()
    async with running_zalo(app, engine, fake):  # the next start: the stored update is handled first
        assert await fake.wait_sent(1, "u1") == ["Đã nhận: nv 3 xong"]
        await fake.settled()
    assert [m.text for m in engine.seen] == ["nv 3 xong"]
    assert await app.inbox.counts("zalo") == {"answered": 1}


async def test_unfinished_updates_are_recovered_in_order_per_chat(app, fake):
    for n in range(4):
        update = text_update("u1", f"tin {n}", message_id=f"r-{n}")
        await app.inbox.store("zalo", f"m:r-{n}", "u1", update, app.clock.now())
    async with running_zalo(app, Engine(), fake):
        sent = await fake.wait_sent(4, "u1")
    assert sent == [f"Đã nhận: tin {n}" for n in range(4)]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_redelivered_update_is_answered_once(app, fake, mode):
    if mode == "webhook":
        _webhook(app)
    engine = Engine()
    update = text_update("u1", "quý này có việc gì?", message_id="same-1")
    async with running_zalo(app, engine, fake):
        if mode == "polling":
            fake.push(update, update)
            await fake.wait_for(lambda f: f._updates.empty())
            polls = len(fake.of("getUpdates"))
            await fake.wait_for(lambda f: len(f.of("getUpdates")) > polls + 1)  # both were taken in
        else:
            assert (await _post(app, update)).status_code == 200
            assert (await _post(app, update)).status_code == 200
        await fake.wait_sent(1, "u1")
        await fake.settled()
    assert fake.sent("u1") == ["Đã nhận: quý này có việc gì?"]
    assert len(engine.seen) == 1
    assert await app.inbox.counts("zalo") == {"answered": 1}


async def test_an_update_another_process_handled_first_gets_no_apology(plan_app, fake):
    """The effects of this row were committed by another process (a second webhook worker): this one
    stays silent and leaves the row to it, instead of winning the race for the reply with an apology."""
    from sqlalchemy import update as sql_update

    from bot.channels.zalo.channel import ZaloChannel
    from bot.channels.zalo.client import ZaloClient
    from conversation.router import Router
    from storage.models import InboxUpdate

    app = plan_app
    invite = await app.users.create_invite("van-phong", "head", now=app.clock.now())
    await app.users.register(channel="zalo", external_id="u1", chat_id="u1", code=invite.code,
                             display_name="", now=app.clock.now())
    payload = text_update("u1", "nv 3 đang làm 30%", message_id="race-1")
    row = await app.inbox.store("zalo", "m:race-1", "u1", payload, app.clock.now())
    async with app.sessions() as session, session.begin():  # the other worker's effects are committed
        await session.execute(sql_update(InboxUpdate).where(InboxUpdate.id == row).values(state="done"))
    async with ZaloClient(fake.token, fake.base_url) as client:
        channel = ZaloChannel(app, Router(app), client)
        await channel.process(StoredUpdate(row, "zalo", "u1", payload, "new", None))
        await channel.aclose()
    assert fake.sent("u1") == []  # no apology: the other worker sends the answer
    assert await app.inbox.counts("zalo") == {"done": 1}  # left for the worker that wrote it


async def test_a_flooding_user_is_throttled_while_a_colleague_is_answered_promptly(app, fake):
    app.settings.sender_burst = 3
    app.settings.sender_rate_per_minute = 30  # then one every 2 s
    app.zalo_pacer = Pacer(LocalBudget(1000.0), chat_interval=0.0, group_interval=0.0)  # isolate fairness
    async with running_zalo(app, Engine(), fake, pacing="real"):
        fake.push(*(text_update("flood", f"tin {n}", message_id=f"f-{n}") for n in range(12)))
        await fake.wait_for(lambda f: TOO_FAST in f.sent("flood"))
        began = time.monotonic()
        fake.push(text_update("calm", "nhiệm vụ 3 là gì", message_id="c-1"))
        assert await fake.wait_sent(1, "calm") == ["Đã nhận: nhiệm vụ 3 là gì"]
        waited = time.monotonic() - began
    # Counted once the channel has stopped: a flood message may still be answered while it stops.
    answered_to_flood = [t for t in fake.sent("flood") if t.startswith("Đã nhận")]
    assert waited < 1.5  # not behind the flood's backlog, which needs ~18 s at its rate
    assert len(answered_to_flood) < 12
    assert fake.sent("flood").count(TOO_FAST) == 1  # one notice, not one per message
    assert await app.inbox.counts("zalo") == {"answered": 1 + len(answered_to_flood), "new": 12 - len(answered_to_flood)}


class RecordingPacer(Pacer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.chats: list[str] = []
        self.let_go: list[float] = []  # when each send was let go (the budget's clock)

    async def acquire(self, chat, *, group: bool = False) -> None:
        self.chats.append(str(chat))
        await super().acquire(chat, group=group)
        self.let_go.append(self.clock())


class RecordingBudget(LocalBudget):
    def __init__(self, rate: float) -> None:
        super().__init__(rate)
        self.slots: list[float] = []

    async def slot(self) -> float:
        at = await super().slot()
        self.slots.append(at)
        return at


async def test_answers_and_pushes_share_the_zalo_pacer(app, fake):
    budget = RecordingBudget(10.0)  # one send per 0.1 s for the whole bot
    pacer = app.zalo_pacer = RecordingPacer(budget, chat_interval=0.0)
    async with running_zalo(app, Engine(), fake, pacing="real"):
        fake.push(*(text_update(f"u{n}", "xin chào", message_id=f"p-{n}") for n in range(3)))
        sender = app.senders["zalo"]
        await asyncio.gather(*(sender.send(f"r{n}", Reply(f"🔔 Nhắc việc {n}")) for n in range(3)))
        await fake.wait_for(lambda f: len(f.sent()) >= 6)
        await fake.settled()
    assert sorted(pacer.chats) == ["r0", "r1", "r2", "u0", "u1", "u2"]
    slots = sorted(budget.slots)  # one budget: 10 a second for answers and pushes together
    assert len(slots) == 6 and min(b - a for a, b in itertools.pairwise(slots)) >= 0.1 - 1e-6
    # and no send left before its slot (a loaded machine may let one go later, never sooner)
    assert all(go >= slot - 1e-3 for go, slot in zip(sorted(pacer.let_go), slots, strict=True))


async def test_a_429_pauses_only_that_chat(app, fake):
    from domain.messages import RetryLater

    pacer = app.zalo_pacer = Pacer(LocalBudget(1000.0), chat_interval=0.0)
    paused: list[tuple[str, float]] = []
    original = pacer.pause

    async def pause(chat, seconds, **kw) -> None:
        paused.append((str(chat), seconds))
        await original(chat, seconds, **kw)

    pacer.pause = pause
    async with running_zalo(app, Engine(), fake, pacing="real"):
        sender = app.senders["zalo"]
        fake.fail("sendMessage", times=5, status=429, error_code=429, retry_after=0.01)
        with pytest.raises(RetryLater):  # after the client's own retries
            await sender.send("slow", Reply("x"))
        began = time.monotonic()
        await sender.send("other", Reply("y"))
        assert time.monotonic() - began < 0.5
    assert paused == [("slow", 0.01)]  # only the chat the 429 was about waits
    assert fake.sent("other") == ["y"]


async def test_a_refused_setwebhook_is_reported_and_healthz_says_why(app, fake, caplog, capsys):
    from web.server import create_web_app

    _webhook(app)
    fake.fail("setWebhook", error_code=400, description="Webhook URL is not reachable")
    with caplog.at_level(logging.ERROR, logger="bot.channels.zalo"):
        async with running_zalo(app, Engine(), fake):
            await eventually(lambda: "zalo" in app.channel_errors, what="the Zalo channel marked down")
            async with httpx.AsyncClient(transport=httpx.ASGITransport(
                    create_web_app(app, channels=("zalo",)))) as http:
                health = await http.get("http://web/healthz")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "error"
    assert "Webhook URL is not reachable" in body["channels_down"]["zalo"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and "Webhook URL is not reachable" in errors[0].getMessage()
    printed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("cchc-bot:")]
    assert len(printed) == 1 and "Webhook URL is not reachable" in printed[0] and "ZALO_WEBHOOK_URL" in printed[0]
    assert len(fake.of("setWebhook")) == 1  # a refusal is not retried: the setting must be fixed


async def test_a_transient_setwebhook_failure_is_retried_and_the_mark_cleared(app, fake):
    _webhook(app)
    fake.fail("setWebhook", times=5, status=502, error_code=502, description="Bad gateway")  # every attempt of one call
    async with running_zalo(app, Engine(), fake):
        await eventually(lambda: fake.webhook, what="the webhook set on the second round")
        await eventually(lambda: "zalo" not in app.channel_errors, what="the down mark cleared")
        assert (await _post(app, text_update("u1", "xin chào", message_id="t-1"))).status_code == 200
        assert await fake.wait_sent(1, "u1") == ["Đã nhận: xin chào"]


async def _age_rows(app, by) -> None:
    from sqlalchemy import update

    from storage.models import InboxUpdate

    async with app.sessions() as session, session.begin():
        await session.execute(update(InboxUpdate).values(received_at=InboxUpdate.received_at - by))
