"""Per-person reminder settings in chat and the snooze buttons under a reminder (handlers → service)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from conversation import registry
from conversation.callbacks import decode
from conversation.context import Context
from conversation.nlu.result import NluResult
from domain.clock import FixedClock
from domain.messages import CALLBACK_DATA_MAX_BYTES, Incoming
from domain.people import UserView
from handlers import reminders as reminder_handlers
from storage.models import User
from tests.fakes.reminders import RecordingSender, add_person, fast_service

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def ctx(app, user: UserView, *, reminder: dict | None = None, data: str | None = None) -> Context:
    now = app.clock.now()
    args = data.split(":")[1:] if data else []
    message = Incoming(channel="telegram", sender_id=str(user.id), chat_id=str(user.id), callback_data=data,
                       text="" if data else "/nhacnho", message_id="m1")
    nlu = NluResult(intent="button" if data else "reminder_settings", reminder=reminder)
    button = decode(data) if data else None
    return Context(app=app, message=message, nlu=nlu, user=user, today=now.date(), now=now, args=args, button=button)


async def user_row(app, uid: int) -> User:
    async with app.sessions() as session:
        return await session.get(User, uid)


def all_buttons(replies) -> list[str]:
    return [b.data for r in replies for row in r.buttons for b in row]


def test_handlers_are_registered():
    assert registry.INTENTS["reminder_settings"].handler is reminder_handlers.reminder_settings
    assert registry.CALLBACKS["sn"].handler is reminder_handlers.reminder_button


async def test_show_settings_then_turn_off_and_on(seeded_app):
    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 9, 21, 9, tzinfo=TZ))
    uid = await add_person(app, "van-phong", "head")
    me = UserView(uid, "van-phong", "head")
    replies = await reminder_handlers.reminder_settings(ctx(app, me))
    assert "đang bật" in replies[0].text and "7, 3, 1 ngày làm việc" in replies[0].text
    buttons = all_buttons(replies)
    assert "sn:set:off" in buttons and all(len(b.encode()) <= CALLBACK_DATA_MAX_BYTES for b in buttons)

    replies = await reminder_handlers.reminder_settings(ctx(app, me, reminder={"action": "off"}))
    assert "Đã tắt nhắc nhở" in replies[0].text and "sn:set:on" in all_buttons(replies)
    assert (await user_row(app, uid)).reminders_enabled is False
    service = fast_service(app)
    assert all(uid not in i.recipients for i in await service.due(app.clock.now()))

    replies = await reminder_handlers.reminder_button(ctx(app, me, data="sn:set:on"))
    assert "Đã bật nhắc nhở" in replies[0].text and replies[0].edit
    assert any(uid in i.recipients for i in await service.due(app.clock.now()))


async def test_days_before_changes_the_schedule(seeded_app):
    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 9, 23, 9, tzinfo=TZ))  # 5 working days before 30/09
    uid = await add_person(app, "van-phong", "head")
    me = UserView(uid, "van-phong", "head")
    replies = await reminder_handlers.reminder_settings(ctx(app, me, reminder={"action": "days_before", "days": 5}))
    assert "nhắc trước 5 ngày" in replies[0].text and "5, 3, 1 ngày làm việc" in replies[0].text
    assert (await user_row(app, uid)).remind_days_before == 5
    sender = RecordingSender(app.clock)
    await fast_service(app).tick({"telegram": sender})
    task3 = [s for s in sender.sent if "NV 3 ·" in s.reply.text]
    assert len(task3) == 1 and "còn 5 ngày làm việc" in task3[0].reply.text
    bad = await reminder_handlers.reminder_settings(ctx(app, me, reminder={"action": "days_before", "days": 90}))
    assert "từ 0 đến 20" in bad[0].text and (await user_row(app, uid)).remind_days_before == 5
    ask = await reminder_handlers.reminder_settings(ctx(app, me, reminder={"action": "days_before", "days": None}))
    assert "bao nhiêu ngày" in ask[0].text


async def test_an_officer_opts_in(seeded_app):
    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 9, 21, 9, tzinfo=TZ))
    uid = await add_person(app, "van-phong", "officer")
    me = UserView(uid, "van-phong", "officer")
    service = fast_service(app)
    assert all(uid not in i.recipients for i in await service.due(app.clock.now()))
    replies = await reminder_handlers.reminder_settings(ctx(app, me))
    assert "đang tắt" in replies[0].text and "sn:set:on" in all_buttons(replies)
    await reminder_handlers.reminder_settings(ctx(app, me, reminder={"action": "on"}))
    assert any(uid in i.recipients for i in await service.due(app.clock.now()))


async def test_snooze_buttons_on_a_reminder(seeded_app):
    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 9, 21, 9, tzinfo=TZ))  # Wednesday
    uid = await add_person(app, "van-phong", "head")
    other = await add_person(app, "ttkc", "head")
    service = fast_service(app)
    sender = RecordingSender(app.clock)
    await service.tick({"telegram": sender})
    reminder = next(s for s in sender.sent if "NV 3 ·" in s.reply.text)
    snooze = [b.data for b in reminder.reply.buttons[-1]]
    assert [b.text for b in reminder.reply.buttons[-1]] == ["💤 1 ngày", "💤 3 ngày", "💤 đến thứ Hai"]
    me = UserView(uid, "van-phong", "head")

    refused = await reminder_handlers.reminder_button(ctx(app, UserView(other, "ttkc", "head"), data=snooze[0]))
    assert "không phải của anh/chị" in refused[0].text and (await user_row(app, uid)).snoozed_until is None

    replies = await reminder_handlers.reminder_button(ctx(app, me, data=snooze[1]))  # 3 ngày → Mon 26/09 08:00
    assert "26/09/2022" in replies[0].text
    until = (await user_row(app, uid)).snoozed_until
    assert until.replace(tzinfo=until.tzinfo or dt.UTC) == dt.datetime(2022, 9, 26, 8, tzinfo=TZ)
    await reminder_handlers.reminder_button(ctx(app, me, data=snooze[2]))  # đến thứ Hai
    await reminder_handlers.reminder_button(ctx(app, me, data=snooze[0]))  # 1 ngày → Thu 22/09 08:00
    until = (await user_row(app, uid)).snoozed_until
    assert until.replace(tzinfo=until.tzinfo or dt.UTC) == dt.datetime(2022, 9, 22, 8, tzinfo=TZ)

    settings = await reminder_handlers.reminder_settings(ctx(app, me))
    assert "Đang tạm hoãn đến 08:00 22/09/2022" in settings[0].text and "sn:set:resume" in all_buttons(settings)
    await reminder_handlers.reminder_button(ctx(app, me, data="sn:set:resume"))
    assert (await user_row(app, uid)).snoozed_until is None
    stale = await reminder_handlers.reminder_button(ctx(app, me, data="sn:xyz"))
    assert "Nút này đã cũ" in stale[0].text


async def test_leaders_are_told_who_gets_reminders(seeded_app):
    uid = await add_person(seeded_app, "lanh-dao-so", "leader")
    replies = await reminder_handlers.reminder_settings(ctx(seeded_app, UserView(uid, "lanh-dao-so", "leader")))
    assert "trưởng đơn vị" in replies[0].text and replies[0].buttons == []


async def test_through_the_router_with_the_real_nlu(seeded_app):
    """A head registered with an invite gets a reminder, presses its buttons and changes settings in
    plain Vietnamese — the whole path: channel message → router → NLU → handler → service."""
    from conversation.router import Router
    from tests.conversation_kit import registered

    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 10, 5, 9, tzinfo=TZ))  # task 3 (Quý III) is 3 working days late
    router = Router(app)
    chat = await registered(app, router, "vp-head", "van-phong")
    sender = RecordingSender(app.clock, channel="test")
    service = fast_service(app)
    await service.tick({"test": sender})
    reminder = next(s for s in sender.to("vp-head") if "NV 3 ·" in s.reply.text)
    assert "quá 3 ngày làm việc" in reminder.reply.text

    done = next(b.data for row in reminder.reply.buttons for b in row if b.text == "✅ NV 3")
    replies = await chat.press(done)  # ✅ Hoàn thành — the conversation engine's `st` handler
    if any(b.data.startswith("cf:") for r in replies for row in r.buttons for b in row):
        replies = await chat.press("cf:yes")
    app.clock.set(dt.datetime(2022, 10, 10, 9, tzinfo=TZ))  # the next overdue repeat would be today
    await service.tick({"test": sender})
    assert len([s for s in sender.to("vp-head") if "NV 3 ·" in s.reply.text]) == 1

    snooze = next(s for s in sender.to("vp-head") if s.reply.buttons).reply.buttons[-1][0].data
    assert "Đã tạm hoãn nhắc việc đến 08:00" in (await chat.press(snooze))[0].text
    assert "Đã tắt nhắc nhở" in await chat.text("tắt nhắc nhở")
    assert "Từ nay nhắc trước 5 ngày" in await chat.text("nhắc trước 5 ngày")
    assert "đang bật" in await chat.text("/nhacnho")


async def test_the_dry_run_composes_a_message_only_when_its_text_is_asked_for_and_once(seeded_app):
    """`reminders due` lists items; only `--json` (docs/contracts.md §4 `message`) needs the texts, composed
    once per message — not per item, and not at all for the table."""
    from services.reminders import as_contract

    app = seeded_app
    app.clock = FixedClock(dt.datetime(2022, 9, 21, 9, tzinfo=TZ))
    await add_person(app, "van-phong", "head")
    service = fast_service(app)
    composed: list[str] = []
    compose = service.compose

    def counting(message, delivery_id):
        composed.append(message.unit_id)
        return compose(message, delivery_id)

    service.compose = counting
    items = await service.due(app.clock.now())
    assert items and composed == []
    contract = as_contract(items)
    people = {uid for i in items for uid in i.recipients}
    silent = {i.unit_id or "*" for i in items if not i.recipients}
    assert 0 < len(composed) <= len(people) + len(silent) < len(items)
    assert all(c["message"] for c in contract)
    count = len(composed)
    assert as_contract(items) == contract and len(composed) == count  # composed once, then kept
