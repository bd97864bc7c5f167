"""Telegram details: a document over 20 MB whose update does not say its size (getFile refuses it) is
called too big, not «gửi lại sau ít phút», which would never work; the same status button pressed
twice on one answer is recorded once."""

from __future__ import annotations

from tests.fake_telegram import TgUser
from tests.fake_telegram.harness import telegram_bot

HEAD = TgUser(701, "Trưởng phòng")


async def test_an_undeclared_file_over_20_mb_is_called_too_big(tmp_path):
    async with telegram_bot(tmp_path) as bot:
        await bot.register(HEAD, "thanh-tra")
        [reply] = await bot.send(lambda: bot.fake.document(
            HEAD, None, file_name="bien-ban.pdf", mime_type="application/pdf", size=25 * 1024 * 1024,
            declare_size=False, caption="nv 4 biên bản"), HEAD.id)
    assert "vượt giới hạn 20,0 MB" in reply.text
    assert "ít phút" not in reply.text
    assert "chưa được lưu" in reply.text


async def test_the_same_status_button_pressed_twice_on_one_answer_is_recorded_once(tmp_path):
    from sqlalchemy import func, select

    from storage.models import StatusUpdate

    async with telegram_bot(tmp_path) as bot:
        await bot.register(HEAD, "thanh-tra")
        [detail] = await bot.ask(HEAD, "nhiệm vụ 4 là gì")
        data = next(b["callback_data"] for b in detail.buttons if b.get("callback_data", "").endswith(":in_progress"))
        [first] = await bot.press(HEAD, data, message=detail)
        [second] = await bot.press(HEAD, data, message=detail)
        async with bot.app.sessions() as session:
            recorded = await session.scalar(select(func.count()).select_from(StatusUpdate))
    assert "Đã ghi nhận" in first.text
    assert "đã được ghi nhận trước đó" in second.text
    assert recorded == 1


async def test_an_update_another_process_handled_first_gets_its_answer_not_an_apology(tmp_path):
    """Two webhook workers (or one that started and took over the unfinished rows) may hold the same
    stored update. The one whose effects commit second must stay silent and leave the row to the first:
    answering with an apology would win the race for the reply, and the head would lose «Đã ghi nhận»."""
    from sqlalchemy import func, select, update

    from bot.channels.telegram.app import build_application
    from conversation.router import Router
    from services.inbox import StoredUpdate
    from storage.models import InboxUpdate, StatusUpdate

    async with telegram_bot(tmp_path) as bot:
        await bot.register(HEAD, "thanh-tra")
        app, fake = bot.app, bot.fake
        payload = fake.make_update_message(HEAD, "nv 4 đang làm 30%")
        row = await app.inbox.store("telegram", str(payload["update_id"]), str(HEAD.id), payload, app.clock.now())
        async with app.sessions() as session, session.begin():  # the other worker's effects are committed
            await session.execute(update(InboxUpdate).where(InboxUpdate.id == row).values(state="done"))
        before = len(fake.sent(HEAD.id))
        statuses = await _count(app, StatusUpdate)
        application, second_worker = build_application(app, Router(app))
        await application.initialize()
        try:
            await second_worker.start()
            await second_worker.process(StoredUpdate(row, "telegram", str(HEAD.id), payload, "new", None))
        finally:
            await application.shutdown()
        async with app.sessions() as session:
            state = await session.scalar(select(InboxUpdate.state).where(InboxUpdate.id == row))
            assert await session.scalar(select(func.count()).select_from(StatusUpdate)) == statuses
    assert fake.sent(HEAD.id)[before:] == []  # no apology: the other worker sends the answer
    assert state == "done"  # left for the worker that wrote it to answer and mark answered


async def test_the_worker_that_only_saw_the_effects_never_answers_for_the_one_that_wrote_them(tmp_path):
    """Worker A wrote the status (effects and `done` mark committed) and is about to store its answer;
    worker B, handling the same stored update, finds the status already recorded and writes nothing.
    B must stay silent: its «already recorded» would otherwise win the race for the reply, and the head
    would never see «Đã ghi nhận» for a status that was recorded (the two-worker test lost 4 of 160)."""
    from telegram import Update

    from bot.channels.telegram.app import build_application
    from conversation.router import Router
    from services.inbox import StoredUpdate
    from storage.handling import Claim, handling
    from storage.models import InboxUpdate, StatusUpdate

    async with telegram_bot(tmp_path) as bot:
        await bot.register(HEAD, "thanh-tra")
        app, fake = bot.app, bot.fake
        payload = fake.make_update_message(HEAD, "nv 4 đang làm 30%")
        row = await app.inbox.store("telegram", str(payload["update_id"]), str(HEAD.id), payload, app.clock.now())
        application, worker_b = build_application(app, Router(app))
        await application.initialize()
        try:
            await worker_b.start()
            message = worker_b.adapter.parse(Update.de_json(payload, application.bot)).incoming
            with handling(Claim(row)) as claim_a:  # worker A: the effects, not yet the answer
                await Router(app).handle(message)
            assert claim_a.marked
            before = len(fake.sent(HEAD.id))
            await worker_b.process(StoredUpdate(row, "telegram", str(HEAD.id), payload, "new", None))
            sent_by_b = fake.sent(HEAD.id)[before:]
            stored_a = await app.inbox.set_replies(row, [{"text": "Đã ghi nhận"}], app.clock.now(), wrote_effects=True)
        finally:
            await application.shutdown()
        statuses = await _count(app, StatusUpdate)
        from sqlalchemy import select

        async with app.sessions() as session:
            state = await session.scalar(select(InboxUpdate.state).where(InboxUpdate.id == row))
    assert sent_by_b == []  # B leaves the answer to A
    assert stored_a  # and A can still store (then send) its own
    assert statuses == 1 and state == "done"


async def _count(app, model) -> int:
    from sqlalchemy import func, select

    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))
