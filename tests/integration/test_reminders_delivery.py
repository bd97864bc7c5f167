"""Delivery: claim before send, exactly once between concurrent ticks, retries with backoff, stale claims,
unreachable people, snoozes, downtime and relative milestones — on SQLite (the process-level tests on
PostgreSQL are in test_scheduler_processes.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from domain.clock import FixedClock
from domain.messages import RetryLater, Unreachable
from domain.reminders import message_key
from storage.models import Identity, ReminderDelivery, User
from tests.fakes.reminders import RecordingSender, add_person, fast_service, set_status
from tests.integration.test_reminders_year import lead_id

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = dt.datetime(2022, 9, 21, 9, tzinfo=TZ)  # 7 working days before Quý III (30/09/2022)


class Wall:
    """The wall clock that leases and backoff are measured on, under the test's control."""

    def __init__(self) -> None:
        self.now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
async def vp(seeded_app):
    """The seed plan, Văn phòng's head registered, the clock at 09:00 on 21/09/2022."""
    seeded_app.clock = FixedClock(MORNING)
    await add_person(seeded_app, "van-phong", "head")
    return seeded_app


async def ledger(app) -> list[ReminderDelivery]:
    async with app.sessions() as session:
        return list((await session.scalars(select(ReminderDelivery).order_by(ReminderDelivery.id))).all())


async def messages(app) -> list[ReminderDelivery]:
    """The ledger rows of whole messages (one per person and day); the others record the items they carried."""
    return [r for r in await ledger(app) if r.key.startswith("msg:")]


def about(sent, task: int) -> list:
    return [s for s in sent if f"NV {task} ·" in s.reply.text]


async def test_concurrent_ticks_deliver_each_key_once(vp):
    """Two services (as two processes would) tick at the same instant on one database."""
    await add_person(vp, "ttkc", "head")
    slow = RecordingSender(vp.clock)
    original = slow.send

    async def send(chat_id, reply):
        await asyncio.sleep(0.01)  # keep claims in flight while the other service looks
        await original(chat_id, reply)

    slow.send = send
    first, second = fast_service(vp, worker="a"), fast_service(vp, worker="b")
    reports = await asyncio.gather(*(s.tick({"telegram": slow}) for s in (first, second, first, second)))
    keys = [r.delivery.sent_keys for r in reports]
    flat = [k for ks in keys for k in ks]
    assert len(flat) == len(set(flat)) == len(slow.sent) == 2  # one message for each head
    assert sum(r.delivery.held_elsewhere for r in reports) >= len(flat)
    assert {row.state for row in await messages(vp)} == {"sent"}
    assert {row.state for row in await ledger(vp) if not row.key.startswith("msg:")} <= {"sent", "skipped"}


async def test_claim_is_committed_before_the_send(vp):
    seen: list[list[str]] = []

    class Peeking(RecordingSender):
        async def send(self, chat_id, reply):
            seen.append([(r.key, r.state) for r in await ledger(vp)])
            await super().send(chat_id, reply)

    await fast_service(vp).tick({"telegram": Peeking(vp.clock)})
    assert seen and all(any(state == "claimed" for _, state in rows) for rows in seen)


async def test_failed_send_is_retried_with_backoff(vp):
    wall = Wall()
    service = fast_service(vp, wall=wall, backoff_seconds=(60.0, 300.0), max_attempts=3)
    sender = RecordingSender(vp.clock, fail={"van-phong-head": ConnectionError("mạng lỗi")})
    report = await service.tick({"telegram": sender})
    assert report.delivery.failed == report.deliveries == 1
    rows = await messages(vp)  # its items are recorded only once it is sent
    assert not [r for r in await ledger(vp) if r.state == "sent"]
    assert {r.state for r in rows} == {"failed"} and {r.attempts for r in rows} == {1}
    assert {r.next_attempt_at.replace(tzinfo=dt.UTC) for r in rows} == {wall.now + dt.timedelta(seconds=60)}

    wall.advance(30)  # too early: nothing is retried
    assert (await service.tick({"telegram": sender})).delivery.reclaimed == 0
    wall.advance(31)  # second attempt fails too: the next wait is longer
    assert (await service.tick({"telegram": sender})).delivery.reclaimed == len(rows)
    assert {r.attempts for r in await messages(vp)} == {2}
    wall.advance(301)
    sender.fail.clear()
    report = await service.tick({"telegram": sender})
    assert report.delivery.sent == len(rows) == len(sender.sent)
    assert {(r.state, r.attempts) for r in await messages(vp)} == {("sent", 3)}
    assert len(await ledger(vp)) > 1 and {r.state for r in await ledger(vp) if ":digest:" not in r.key} == {"sent"}


async def test_gives_up_after_max_attempts_and_honours_retry_after(vp):
    wall = Wall()
    service = fast_service(vp, wall=wall, max_attempts=2)
    sender = RecordingSender(vp.clock, fail={"van-phong-head": RetryLater(7)})
    await service.tick({"telegram": sender})
    rows = await messages(vp)
    assert {r.next_attempt_at.replace(tzinfo=dt.UTC) for r in rows} == {wall.now + dt.timedelta(seconds=7)}
    wall.advance(8)
    await service.tick({"telegram": sender})
    assert {(r.state, r.attempts, r.next_attempt_at) for r in await messages(vp)} == {("failed", 2, None)}
    wall.advance(10_000)
    sender.fail.clear()
    await service.tick({"telegram": sender})
    assert sender.sent == []  # given up for today: tomorrow's message carries the items again
    vp.clock.set(MORNING + dt.timedelta(days=1))
    await service.tick({"telegram": sender})
    assert about(sender.sent, 3)


async def test_a_claim_left_by_a_dead_process_is_taken_over_after_the_lease(vp):
    wall = Wall()
    service = fast_service(vp, wall=wall, lease_seconds=300)
    key = message_key(MORNING.date(), 1)
    async with vp.sessions() as session, session.begin():  # what a killed process leaves behind
        session.add(ReminderDelivery(key=key, kind="daily", user_id=1, state="claimed", attempts=1,
                                     claimed_by="dead:1", claimed_at=wall.now))
    sender = RecordingSender(vp.clock)
    wall.advance(299)
    await service.tick({"telegram": sender})
    before = len(sender.sent)
    assert key not in (await service.tick({"telegram": sender})).delivery.sent_keys
    wall.advance(2)
    report = await service.tick({"telegram": sender})
    assert report.delivery.sent_keys == [key] and report.delivery.reclaimed == 1
    assert len(sender.sent) == before + 1
    row = next(r for r in await ledger(vp) if r.key == key)
    assert (row.state, row.attempts) == ("sent", 2) and row.claimed_by != "dead:1"
    assert (await service.tick({"telegram": sender})).delivery.sent == 0


async def test_unreachable_identity_is_marked_and_the_next_channel_tried(vp):
    uid = await add_person(vp, "ttkc", "head", chat="tg-ttkc")
    async with vp.sessions() as session, session.begin():
        session.add(Identity(user_id=uid, channel="zalo", external_id="z-ttkc", chat_id="z-ttkc"))
    await add_person(vp, "thanh-tra", "head", chat="tg-tt")
    telegram = RecordingSender(vp.clock, fail={"tg-ttkc": Unreachable(), "tg-tt": Unreachable()})
    zalo = RecordingSender(vp.clock, channel="zalo")
    service = fast_service(vp)
    report = await service.tick({"telegram": telegram, "zalo": zalo})
    assert zalo.to("z-ttkc") and report.delivery.unreachable >= 1
    async with vp.sessions() as session:
        reachable = dict((await session.execute(select(Identity.external_id, Identity.reachable))).all())
    assert reachable["tg-ttkc"] is False and reachable["z-ttkc"] is True
    # thanh-tra's only channel is blocked: the reminder is skipped (not retried), later ones are not
    # even attempted but counted, and the dry run shows nobody would receive them.
    vp.clock.set(dt.datetime(2022, 12, 7, 9, tzinfo=TZ))  # the year-round check-in before the 14/12 cut-off
    report = await service.tick({"telegram": telegram, "zalo": zalo})
    assert report.delivery.unreachable >= 1 and report.delivery.skipped >= 1
    skipped = [r for r in await ledger(vp) if r.state == "skipped"]
    assert skipped and all(r.user_id != uid for r in skipped)
    vp.clock.set(dt.datetime(2022, 12, 9, 9, tzinfo=TZ))  # «send your figures» for the annual reports
    report = await service.tick({"telegram": telegram, "zalo": zalo})
    assert report.unreachable >= 1 and not telegram.to("tg-tt")
    items = await service.due(vp.clock.now())
    assert any(i.unit_id == "thanh-tra" and i.recipients == [] for i in items)


async def test_snooze_holds_everything_then_only_the_latest_goes(vp):
    service = fast_service(vp)
    sender = RecordingSender(vp.clock)
    await service.tick({"telegram": sender})
    delivery = next(r for r in await messages(vp))
    vp.clock.set(dt.datetime(2022, 9, 23, 10, tzinfo=TZ))  # Friday
    until = await service.snooze(1, delivery.id, "mon", vp.clock.now())
    assert until == dt.datetime(2022, 9, 26, 8, tzinfo=TZ)
    sent = len(sender.sent)
    vp.clock.set(dt.datetime(2022, 9, 26, 7, 59, tzinfo=TZ))
    await service.tick({"telegram": sender})
    assert len(sender.sent) == sent
    vp.clock.set(dt.datetime(2022, 9, 29, 8, tzinfo=TZ))  # snooze over; the 3-day step (27/09) is superseded
    await service.tick({"telegram": sender})
    texts = [s.reply.text for s in about(sender.sent[sent:], 3)]
    assert len(texts) == 1 and "còn 1 ngày làm việc" in texts[0] and "còn 3 ngày" not in texts[0]
    with pytest.raises(ValueError, match="not_your_reminder") as refused:
        await service.snooze(99, delivery.id, "1d", vp.clock.now())
    from presentation.reminders import settings_error  # the service gives the reason, presentation the words

    assert "không phải của anh/chị" in settings_error(refused.value.reason, refused.value.details, vp.units)


async def test_after_downtime_only_the_latest_missed_reminder_goes(vp):
    """The bot was down from 20/09 to the deadline (30/09): one reminder per milestone, not four."""
    service = fast_service(vp)
    sender = RecordingSender(vp.clock)
    vp.clock.set(dt.datetime(2022, 9, 30, 14, tzinfo=TZ))
    await service.tick({"telegram": sender})
    task3 = about(sender.sent, 3)
    assert len(task3) == 1 and "hạn hôm nay" in task3[0].reply.text
    assert task3[0].reply.text.count("NV 3 ·") == 1
    await service.tick({"telegram": sender})
    assert len(about(sender.sent, 3)) == 1


async def test_a_share_marked_done_during_a_broadcast_is_not_reminded(vp):
    """Văn phòng's head and an officer who opted in get the same items; the shares are marked done after the
    first message went out: the second is not sent."""
    await add_person(vp, "van-phong", "officer", enabled=True)
    leads = [await lead_id(vp, n, "van-phong") for n in (3, 5, 7, 8)]
    service = fast_service(vp, claim_batch=1, concurrency=1)

    class Finishing(RecordingSender):
        async def send(self, chat_id, reply):
            await super().send(chat_id, reply)
            await set_status(vp, leads, "done")

    sender = Finishing(vp.clock)
    report = await service.tick({"telegram": sender})
    assert len(sender.sent) == 1 and about(sender.sent, 3) and about(sender.sent, 8)
    assert report.delivery.skipped == 1


async def test_no_sender_no_claim_and_disabled_people_get_nothing(vp):
    service = fast_service(vp)
    assert (await service.tick({})).deliveries == 0
    assert await ledger(vp) == []
    # A channel without a running sender: the person counts as unreachable, nothing is claimed
    # (an empty digest is settled as «skipped», which sends nothing).
    zalo_only = RecordingSender(vp.clock, channel="zalo")
    report = await service.tick({"zalo": zalo_only})
    assert report.unreachable > 0 and [r for r in await ledger(vp) if r.state != "skipped"] == []
    async with vp.sessions() as session, session.begin():
        await session.execute(update(User).values(reminders_enabled=False))
    report = await service.tick({"telegram": RecordingSender(vp.clock)})
    assert report.deliveries == 0 and [r for r in await ledger(vp) if r.state != "skipped"] == []


async def test_relative_milestone_is_reminded_once_its_trigger_is_recorded(vp):
    """Task 18: «chậm nhất sau 05 ngày làm việc kể từ ngày nhận được văn bản» — no date, no reminder."""
    service = fast_service(vp)
    sender = RecordingSender(vp.clock)
    await service.tick({"telegram": sender})
    assert not about(sender.sent, 18)
    from domain.people import UserView

    coordinator = await add_person(vp, "van-phong", "coordinator")
    await vp.statuses.record_trigger(UserView(coordinator, "van-phong", "coordinator"), task=18,
                                     day=dt.date(2022, 9, 21))
    await service.tick({"telegram": sender})
    assert not about(sender.sent, 18)  # today's message is already out: one message a day
    vp.clock.set(MORNING + dt.timedelta(days=1))
    await service.tick({"telegram": sender})
    task18 = about(sender.sent, 18)
    # Due 28/09 (5 working days after 21/09): the latest step by 22/09 is «7 days before» (19/09).
    assert len(task18) == 1 and "hạn 28/09, còn 4 ngày làm việc" in task18[0].reply.text
