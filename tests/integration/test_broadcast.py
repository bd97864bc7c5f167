"""A coordinator's notice to every unit head: confirmed before sending, delivered once per head through
the reminders' paced path (its token bucket and its ledger), refused to everyone else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.messages import Unreachable
from handlers import broadcast as broadcast_handlers
from presentation.broadcast import notice
from services.broadcast_service import MAX_NOTICE_CHARS
from storage.models import Identity, ReminderDelivery
from tests.coordinator_kit import CHANNEL, at, context, person
from tests.fakes.reminders import RecordingSender

NOW = at(8, 15, 9)
HEAD_UNITS = ("van-phong", "thanh-tra", "khtcth", "qlcn", "ttkc")


@pytest.fixture
def app(plan_app):
    plan_app.senders[CHANNEL] = RecordingSender(plan_app.clock, channel=CHANNEL)
    return plan_app


@pytest.fixture
async def people(app):
    result = {unit: await person(app, unit, "head", f"Trưởng {unit}") for unit in HEAD_UNITS}
    result["officer"] = await person(app, "van-phong", "officer", "Công chức")
    result["coord"] = await person(app, "van-phong", "coordinator", "Trần Thị B")
    result["leader"] = await person(app, "lanh-dao-so", "leader", "Giám đốc")
    return result


class CountingBucket:
    """Stands in for the engine's token bucket: proves every send waited for a token."""

    def __init__(self) -> None:
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1


async def test_notice_reaches_every_head_once_through_the_reminders_paced_path(app, people):
    engine = app.reminders.engine
    bucket = CountingBucket()
    engine._buckets[CHANNEL] = bucket
    outcome = await app.broadcasts.broadcast(people["coord"], "Họp giao ban CCHC lúc 14h thứ Sáu.", source_key="m1", notice=notice)
    assert outcome.kind == "sent" and outcome.heads == len(HEAD_UNITS)
    assert outcome.report.sent == len(HEAD_UNITS) and bucket.acquired == len(HEAD_UNITS)
    sender = app.senders[CHANNEL]
    assert sorted(s.chat_id for s in sender.sent) == sorted(f"{u}-head" for u in HEAD_UNITS)
    text = sender.sent[0].reply.text
    assert "Thông báo của Văn phòng Sở" in text and "14h thứ Sáu" in text and "Trần Thị B" in text
    async with app.sessions() as session:
        rows = (await session.execute(select(ReminderDelivery.kind, ReminderDelivery.state))).all()
    assert rows == [("broadcast", "sent")] * len(HEAD_UNITS)

    again = await app.broadcasts.broadcast(people["coord"], "Họp giao ban CCHC lúc 14h thứ Sáu.", source_key="m1", notice=notice)
    assert again.report.sent == 0 and again.report.already == len(HEAD_UNITS)
    assert len(sender.sent) == len(HEAD_UNITS)
    other = await app.broadcasts.broadcast(people["coord"], "Nộp báo cáo quý III trước 10/9.", source_key="m2", notice=notice)
    assert other.report.sent == len(HEAD_UNITS)


@pytest.mark.parametrize("who", ["van-phong", "officer", "leader"])
async def test_only_coordinators_broadcast(app, people, who):
    outcome = await app.broadcasts.broadcast(people[who], "Thông báo", source_key=None, notice=notice)
    assert outcome.kind == ("read_only" if who == "leader" else "forbidden")
    replies = await broadcast_handlers.start(context(app, people[who], intent="broadcast", note="Thông báo"))
    assert "Văn phòng Sở" in replies[0].text and not replies[0].buttons
    async with app.sessions() as session:
        assert (await session.scalars(select(ReminderDelivery))).all() == []
    assert app.senders[CHANNEL].sent == []


async def test_unreachable_and_unregistered_heads_are_counted(app, people):
    app.senders[CHANNEL].fail["qlcn-head"] = Unreachable("blocked")
    async with app.sessions() as session, session.begin():
        identity = await session.scalar(select(Identity).where(Identity.chat_id == "khtcth-head"))
        identity.channel = "zalo"  # a channel that is not running
    outcome = await app.broadcasts.broadcast(people["coord"], "Kiểm tra hộp thư công vụ.", source_key="m3", notice=notice)
    report = outcome.report
    assert (report.sent, report.no_route, report.unreachable) == (3, 2, 1)
    async with app.sessions() as session:
        blocked = await session.scalar(select(Identity).where(Identity.chat_id == "qlcn-head"))
        assert blocked.reachable is False
    text = broadcast_handlers.result_text(outcome)
    assert "Đã gửi thông báo tới 3 trưởng đơn vị" in text and "2 người chưa nhận được" in text


async def test_chat_flow_confirms_before_sending(app, people):
    coord = people["coord"]
    [preview] = await broadcast_handlers.start(
        context(app, coord, intent="broadcast", note="Rà soát TTHC trước 20/8.")
    )
    assert f"{len(HEAD_UNITS)} trưởng đơn vị" in preview.text and "Rà soát TTHC" in preview.text
    assert [b.data for b in preview.buttons[0]] == ["bc:go", "bc:no"]
    assert app.senders[CHANNEL].sent == []  # nothing before «Gửi»

    [done] = await broadcast_handlers.press(context(app, coord, data="bc:go"))
    assert f"Đã gửi thông báo tới {len(HEAD_UNITS)} trưởng đơn vị" in done.text
    [twice] = await broadcast_handlers.press(context(app, coord, data="bc:go"))
    assert "Không có thông báo nào đang chờ gửi" in twice.text
    assert len(app.senders[CHANNEL].sent) == len(HEAD_UNITS)

    [ask] = await broadcast_handlers.start(context(app, coord, intent="broadcast"))
    assert "nhập nội dung" in ask.text
    state = await app.inbox.get_state(CHANNEL, "van-phong-coordinator", NOW)
    assert state["awaiting"] == {"kind": "broadcast_text"}
    [preview] = await broadcast_handlers.text_given(context(app, coord, text="Nộp minh chứng quý III."))
    assert "Nộp minh chứng quý III." in preview.text
    [cancelled] = await broadcast_handlers.press(context(app, coord, data="bc:no"))
    assert "hủy" in cancelled.text
    [stale] = await broadcast_handlers.press(context(app, coord, data="bc:go"))
    assert "Không có thông báo" in stale.text
    assert len(app.senders[CHANNEL].sent) == len(HEAD_UNITS)

    [too_long] = await broadcast_handlers.start(
        context(app, coord, intent="broadcast", note="x" * (MAX_NOTICE_CHARS + 1))
    )
    assert "quá" in too_long.text and not too_long.buttons


async def test_a_forwarded_send_button_does_nothing_for_a_head(app, people):
    coord = people["coord"]
    await broadcast_handlers.start(context(app, coord, intent="broadcast", note="Họp lúc 8h."))
    [refused] = await broadcast_handlers.press(context(app, people["thanh-tra"], data="bc:go"))
    assert "Văn phòng Sở" in refused.text
    assert app.senders[CHANNEL].sent == []
    [done] = await broadcast_handlers.press(context(app, coord, data="bc:go"))  # the coordinator's is intact
    assert "Đã gửi" in done.text
