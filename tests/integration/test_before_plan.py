"""What the plan itself fulfils (issue 11, point 5): task 1's «Ban hành Kế hoạch: Tháng 12/2021» in the
2022 plan is due before the plan's year began. Task views say «trước khi ban hành kế hoạch», and lists of
late work never count it — while the unit can still record it."""

from __future__ import annotations

import pytest

from conversation.router import Router
from tests.conversation_kit import registered


@pytest.fixture
def router(plan_app):
    return Router(plan_app)


async def test_task_detail_says_before_the_plan_instead_of_late(plan_app, router):
    head = await registered(plan_app, router, "bp1", "van-phong")
    text = (await head.say("nv 1"))[0].text
    assert "Tháng 12/2021 (trước khi ban hành kế hoạch)" in text
    assert "31/12/2021 — đã qua" not in text and "trễ" not in text


async def test_late_lists_and_the_share_never_count_it_overdue(plan_app, router):
    head = await registered(plan_app, router, "bp2", "van-phong")
    late = "\n".join(r.text for r in await head.say("văn phòng có việc gì trễ hạn"))
    assert "NV 1 " not in late and "NV 2 " in late  # task 2's «Quý I» is really late
    [share] = await plan_app.queries.leads(unit_ids=["van-phong"], task=1)
    [before] = [m for m in share.milestones if m.due is not None and m.due.year == 2021]
    assert not share.overdue(before, plan_app.clock.now().date(), plan_app.workdays)


async def test_the_unit_can_still_record_it(plan_app, router):
    head = await registered(plan_app, router, "bp3", "van-phong")
    await head.say("xong nhiệm vụ 1")
    text = (await head.say("nv 1"))[0].text
    assert "(trước khi ban hành kế hoạch) — đã xong" in text
