"""Overdue across units and the coordinator's notice, through the router as a messenger drives it."""

from __future__ import annotations

import pytest

from conversation.router import Router
from tests.conversation_kit import registered
from tests.coordinator_kit import at
from tests.fakes.reminders import RecordingSender

NOW = at(8, 15, 9)


@pytest.fixture
def app(plan_app):
    plan_app.senders["test"] = RecordingSender(plan_app.clock, channel="test")
    return plan_app


@pytest.fixture
def router(app):
    return Router(app)


async def test_trehan_lists_every_units_overdue_work_for_a_coordinator(app, router):
    coord = await registered(app, router, "c1", "van-phong", role="coordinator")
    head = await registered(app, router, "h1", "ttkc")
    answer = await coord.text("/trehan")
    assert "toàn Sở" in answer and "trễ hạn" in answer
    assert "NV 36 " in answer  # a Quý I task
    assert "NV 1 " not in answer  # «Tháng 12/2021» is what issuing the plan fulfils (issue 11): never late
    own = await head.text("/trehan")
    assert "Trung tâm Khuyến công" in own and "Văn phòng Sở" not in own


async def test_thongbao_reaches_the_heads_after_confirmation(app, router):
    coord = await registered(app, router, "c2", "van-phong", role="coordinator")
    heads = [await registered(app, router, f"h-{u}", u) for u in ("thanh-tra", "qlnl")]
    officer = await registered(app, router, "o1", "qlnl", role="officer")
    [preview] = await coord.say("/thongbao Chiều thứ Sáu họp giao ban CCHC quý III tại phòng họp số 2.")
    assert "2 trưởng đơn vị" in preview.text and [b.data for b in preview.buttons[0]] == ["bc:go", "bc:no"]
    sender = app.senders["test"]
    assert sender.sent == []
    [done] = await coord.press("bc:go")
    assert "Đã gửi thông báo tới 2 trưởng đơn vị" in done.text
    assert sorted(s.chat_id for s in sender.sent) == sorted(h.sender_id for h in heads)
    assert "họp giao ban CCHC quý III" in sender.sent[0].reply.text
    assert officer.sender_id not in {s.chat_id for s in sender.sent}
    refused = await heads[0].text("/thongbao nghỉ họp")
    assert "Chỉ Văn phòng Sở" in refused
