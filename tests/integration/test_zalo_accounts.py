"""Linking a second messenger account to the same person and choosing where reminders go."""

from __future__ import annotations

from sqlalchemy import select

from conversation.callbacks import ReminderChannel
from conversation.context import Context
from conversation.nlu.result import NluResult
from domain.messages import Incoming
from handlers import accounts
from storage.models import User


def _ctx(app, user, channel: str, text: str = "", args: list[str] | None = None) -> Context:
    message = Incoming(channel=channel, sender_id="x", chat_id="x", text=text)
    now = app.clock.now()
    button = ReminderChannel(args[0]) if args else None
    return Context(app=app, message=message, nlu=NluResult(intent="x"), user=user, today=now.date(), now=now,
                   args=args or [], button=button)


async def _register(app, channel: str, external_id: str, code: str | None = None):
    now = app.clock.now()
    if code is None:
        code = (await app.users.create_invite("van-phong", "head", now=now)).code
    return await app.users.register(channel=channel, external_id=external_id, chat_id=external_id, code=code,
                                    display_name="Chị Lan", now=now)


def test_channel_named():
    assert accounts.channel_named("nhắc qua Zalo") == "zalo"
    assert accounts.channel_named("nhac qua tele nhé") == "telegram"
    assert accounts.channel_named("/nhacqua telegram") == "telegram"
    assert accounts.channel_named("nhắc qua zalo hay telegram") is None
    assert accounts.channel_named("/nhacqua") is None


async def test_link_then_choose_zalo(app):
    telegram = await _register(app, "telegram", "tg-1")
    user = telegram.user
    (reply,) = await accounts.link_account(_ctx(app, user, "telegram", "/lienket"))
    assert reply.private_only and "Zalo" in reply.text
    code = reply.text.split("**")[1]
    assert f"đăng ký {code}" in reply.text

    (refused,) = await accounts.reminder_channel(_ctx(app, user, "telegram", "nhắc qua zalo"))
    assert "chưa liên kết tài khoản Zalo" in refused.text

    linked = await _register(app, "zalo", "za-1", code)
    assert linked.message_key == "linked" and linked.user.id == user.id
    assert (await app.users.identify("zalo", "za-1")).id == user.id

    (done,) = await accounts.reminder_channel(_ctx(app, user, "zalo", "nhắc qua zalo"))
    assert "qua **Zalo**" in done.text
    async with app.sessions() as session:
        assert (await session.scalar(select(User.preferred_channel).where(User.id == user.id))) == "zalo"

    (overview,) = await accounts.reminder_channel(_ctx(app, user, "zalo", "/nhacqua"))
    assert "đang gửi qua: **Zalo**" in overview.text
    assert [b.data for row in overview.buttons for b in row] == ["rc:telegram", "rc:zalo"]
    (back,) = await accounts.reminder_channel_button(_ctx(app, user, "zalo", args=["telegram"]))
    assert "qua **Telegram**" in back.text
    assert (await app.accounts.accounts(user.id)).preferred == "telegram"


async def test_overview_for_a_single_account_offers_linking(app):
    user = (await _register(app, "zalo", "za-2")).user
    (overview,) = await accounts.reminder_channel(_ctx(app, user, "zalo", "/nhacqua"))
    assert "gõ /lienket" in overview.text and "Telegram" in overview.text


def test_nlu_maps_account_phrases():
    import datetime as dt

    from bot.bootstrap import load_config
    from bot.settings import Settings
    from conversation.nlu import Understander
    from conversation.nlu.accounts import parse_account

    units, _, _ = load_config(Settings(_env_file=None))
    understander = Understander(units, None)
    today = dt.date(2022, 8, 15)
    for text in ("/lienket", "liên kết tài khoản", "lien ket zalo", "/lienket@bot.cchc"):
        assert understander.parse(text, today).intent == "link_account", text
    for text in ("nhắc qua zalo", "Nhac qua Telegram nhé", "gửi nhắc việc qua zalo", "/nhacqua", "/nhacqua tele"):
        assert understander.parse(text, today).intent == "reminder_channel", text
    for text in ("nv 12 liên kết dữ liệu", "liên kết dữ liệu với Sở Nội vụ là việc gì", "nhắc trước 5 ngày",
                 "tắt nhắc nhở"):
        assert parse_account(text) is None, text
