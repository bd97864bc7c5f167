"""The durable inbox: stored once per (channel, key); the `done` mark rides on the first unit of work
that commits an effect (`UnitOfWork.commit` writes it), so effects and mark commit (or roll back)
together; bookkeeping units of work (chat memory) do not count; a second handler of the same update
cannot commit its effects."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from conversation.router import Router
from domain.clock import FixedClock
from storage.handling import AlreadyHandled, Claim, handling
from storage.models import InboxUpdate, StatusUpdate, User
from storage.uow import UnitOfWorkFactory
from tests.conversation_kit import Chat, registered


async def _state(app, row_id: int) -> str:
    async with app.sessions() as session:
        return await session.scalar(select(InboxUpdate.state).where(InboxUpdate.id == row_id))


async def _statuses(app) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(StatusUpdate))


async def test_an_update_is_stored_once_per_key(plan_app):
    now = plan_app.clock.now()
    first = await plan_app.inbox.store("telegram", "1001", "7", {"update_id": 1001}, now)
    again = await plan_app.inbox.store("telegram", "1001", "7", {"update_id": 1001}, now)
    assert first is not None and again is None
    assert [u.id for u in await plan_app.inbox.unfinished("telegram")] == [first]


async def test_the_done_mark_commits_with_the_effects_and_only_with_them(plan_app):
    router = Router(plan_app)
    chat = await registered(plan_app, router, "u1", "thanh-tra")
    now = plan_app.clock.now()
    row = await plan_app.inbox.store("test", "k1", "u1", {}, now)
    claim = Claim(row)
    before = await _statuses(plan_app)
    with handling(claim):
        await plan_app.inbox.set_state("test", "u1", {"note": "x"}, now)  # bookkeeping: not an effect
        assert await _state(plan_app, row) == "new" and not claim.marked
        await chat.say("nv 4 đang làm 30%")
    assert claim.marked
    assert await _state(plan_app, row) == "done"
    assert await _statuses(plan_app) == before + 1


async def test_a_failed_transaction_leaves_the_update_new_and_nothing_written(plan_app):
    router = Router(plan_app)
    await registered(plan_app, router, "u1", "thanh-tra")
    row = await plan_app.inbox.store("test", "k2", "u1", {}, plan_app.clock.now())
    claim = Claim(row)
    with handling(claim), pytest.raises(RuntimeError):
        async with UnitOfWorkFactory(plan_app.sessions)() as uow:
            await uow.session.execute(update(User).values(display_name="changed"))
            raise RuntimeError("the handler failed after its write")
    assert not claim.marked and await _state(plan_app, row) == "new"
    async with plan_app.sessions() as session:
        assert "changed" not in set(await session.scalars(select(User.display_name)))
    again = Claim(row)
    with handling(again):  # handled again after the restart: now it commits, with its mark
        async with UnitOfWorkFactory(plan_app.sessions)() as uow:
            await uow.session.execute(update(User).values(display_name="changed"))
            await uow.commit()
    assert again.marked and await _state(plan_app, row) == "done"


async def test_effects_of_an_update_handled_elsewhere_are_refused(plan_app):
    router = Router(plan_app)
    chat = await registered(plan_app, router, "u1", "thanh-tra")
    now = plan_app.clock.now()
    row = await plan_app.inbox.store("test", "k3", "u1", {}, now)
    await plan_app.inbox.set_replies(row, [], now)  # another process handled it meanwhile
    before = await _statuses(plan_app)
    with handling(Claim(row)), pytest.raises(AlreadyHandled):  # not an apology: the other one answers
        await chat.say("nv 4 đang làm 30%")
    assert await _statuses(plan_app) == before  # not written twice


@pytest.mark.parametrize("text", ["nv 4 đang làm 250%", "nhiệm vụ 4 đang thực hiện 101 %"])
async def test_a_percent_above_100_is_answered_with_the_range_and_changes_nothing(plan_app, text):
    router = Router(plan_app)
    chat = await registered(plan_app, router, "u1", "thanh-tra")
    await chat.say("nv 4 đang làm 30%")
    before = await _statuses(plan_app)
    [reply] = await chat.say(text)
    assert "0% đến 100%" in reply.text and "chưa thay đổi" in reply.text
    assert await _statuses(plan_app) == before
    leads = await plan_app.queries.leads(unit_ids=["thanh-tra"], task=4)
    assert (leads[0].status, leads[0].percent) == ("in_progress", 30)


async def test_wrong_invite_codes_are_throttled_per_sender(plan_app):
    router = Router(plan_app)
    guesser = Chat(router, "g1")
    other = Chat(router, "g2")
    for n in range(5):
        [reply] = await guesser.say(f"đăng ký ZZZZZ{n}")
        assert "không đúng" in reply.text
    invite = await plan_app.users.create_invite("thanh-tra", "head", now=plan_app.clock.now())
    [reply] = await guesser.say(f"đăng ký {invite.code}")  # even a right code waits: nothing is checked
    assert "chờ 60 giây" in reply.text
    assert await plan_app.users.identify("test", "g1") is None
    [reply] = await other.say(f"đăng ký {invite.code}")  # another sender is not affected
    assert "thành công" in reply.text
    plan_app.clock = FixedClock(plan_app.clock.now() + dt.timedelta(seconds=61))
    [reply] = await guesser.say("đăng ký ZZZZZ9")
    assert "không đúng" in reply.text  # a minute later the sender may try again


async def test_tz_name_sets_the_reminder_window_unless_the_calendar_names_a_zone(tmp_path):
    from zoneinfo import ZoneInfo

    from bot.bootstrap import build_app
    from bot.settings import DEFAULTS
    from tests.conftest import make_settings

    app = await build_app(make_settings(tmp_path, tz_name="Asia/Tokyo"))
    try:
        assert app.reminders.tz == ZoneInfo("Asia/Tokyo")
    finally:
        await app.close()
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text((DEFAULTS / "reporting_calendar.yaml").read_text(encoding="utf-8")
                        + "\ntimezone: Asia/Ho_Chi_Minh\n", encoding="utf-8")
    app = await build_app(make_settings(tmp_path, tz_name="Asia/Tokyo", reporting_calendar_file=calendar))
    try:
        assert app.reminders.tz == ZoneInfo("Asia/Ho_Chi_Minh")  # the explicit override wins
    finally:
        await app.close()


async def test_a_unit_of_work_that_only_reads_carries_no_mark(plan_app):
    """Only a commit that wrote something is an effect: a read that commits leaves the update `new`
    (were it marked, a crash before the real effects would lose them)."""
    row = await plan_app.inbox.store("test", "k4", "u1", {}, plan_app.clock.now())
    claim = Claim(row)
    with handling(claim):
        async with UnitOfWorkFactory(plan_app.sessions)() as uow:
            await uow.session.scalar(select(func.count()).select_from(User))
            await uow.commit()
    assert not claim.marked and await _state(plan_app, row) == "new"


async def test_the_sender_and_the_chat_memory_arrive_in_one_statement(plan_app):
    """`Inbox.receive` records the message's key, then reads who sent it — active, deactivated or
    unknown — and what the chat remembers (kept only until it expires) in one SELECT."""
    await arrivals(plan_app)


async def test_arrivals_on_postgresql(tmp_path, postgres_url):
    from bot.bootstrap import build_app
    from tests.conftest import make_settings
    from tests.conversation_kit import AUG_15_2022

    app = await build_app(make_settings(tmp_path, database_url=postgres_url), clock=FixedClock(AUG_15_2022))
    try:
        await arrivals(app)
    finally:
        await app.close()


async def arrivals(plan_app) -> None:
    from tests.coordinator_kit import person
    from tests.statements import statements

    now = plan_app.clock.now()
    head = await person(plan_app, "van-phong", "head", "Chị Hoa", chat="c-head")
    gone = await person(plan_app, "thanh-tra", "head", "Anh Tú", chat="c-gone")
    await plan_app.people.set_active(gone.id, False, by="test", now=now)
    await plan_app.inbox.set_state("test", "c-head", {"task": 17}, now)
    await plan_app.inbox.set_state("test", "c-old", {"task": 3}, now - dt.timedelta(days=30))
    with statements(plan_app) as sent:
        known = await plan_app.inbox.receive("test", "m1", "c-head", "c-head", now)
    assert [s.split()[0] for s in sent] == ["INSERT", "SELECT"], sent
    assert (known.new, known.user, known.state, known.deactivated) == (True, head, {"task": 17}, False)
    deactivated = await plan_app.inbox.receive("test", "m2", "c-gone", "c-gone", now)
    assert (deactivated.user, deactivated.state, deactivated.deactivated) == (None, {}, True)
    stranger = await plan_app.inbox.receive("test", "m3", "c-old", "c-old", now)
    assert (stranger.user, stranger.state, stranger.deactivated) == (None, {}, False)  # its memory expired
    assert not (await plan_app.inbox.receive("test", "m1", "c-head", "c-head", now)).new
