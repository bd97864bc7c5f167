"""«danh sách đơn vị» / /donvi (an intent added as its table entry, its handler and its wording): the
department's units with the short names the assistant reads; questions about units' work are not taken
for it."""

from __future__ import annotations

import pytest

from conversation.router import Router
from tests.conversation_kit import registered


@pytest.mark.parametrize("text", ["danh sách đơn vị", "ten viet tat cac phong", "/donvi", "sở có những phòng nào",
                                  "cho tôi xem danh sách phòng ban", "tên viết tắt của QLTM là gì"])
async def test_the_units_and_their_short_names(plan_app, text):
    chat = await registered(plan_app, Router(plan_app), "u1", "thanh-tra")
    [reply] = await chat.say(text)
    members = [u for u in plan_app.units.units if not u.is_external]
    assert reply.text.startswith(f"**{len(members)} đơn vị của Sở**")
    assert "Phòng Quản lý Thương mại — P.QLTM, QLTM" in reply.text
    assert "UBND tỉnh" not in reply.text  # outside bodies are not the department's units
    assert len(reply.text) <= 900


@pytest.mark.parametrize("text", ["việc của các phòng quý này", "tiến độ các phòng", "nv 5 là gì",
                                  "danh sách việc trễ hạn"])
async def test_questions_about_units_work_are_not_the_unit_list(plan_app, text):
    chat = await registered(plan_app, Router(plan_app), "u1", "thanh-tra")
    [reply, *_] = await chat.say(text)
    assert "đơn vị của Sở**" not in reply.text


async def test_the_help_lists_it(plan_app):
    chat = await registered(plan_app, Router(plan_app), "u1", "thanh-tra")
    [reply] = await chat.say("hướng dẫn")
    assert "danh sách đơn vị" in reply.text
