"""Issue 13, point 2: the pre-cut-off check-in asks for the targets (chỉ tiêu) with no figure for the period.

The seed plan 2022: the CCHC report's Q3 cut-off is 14/09, its check-in goes out 5 working days before,
on Wednesday 07/09. The units that lead an area's tasks by name get that area's missing targets in the
same message; the Văn phòng's coordinators get the count; a figure reported in chat is not asked again."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from conversation.router import Router
from domain.reminders import TARGETS, responsible_units
from services.reminders import as_contract
from tests.conversation_kit import registered
from tests.fakes.reminders import RecordingSender, fast_service

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CHECKIN_DAY = dt.datetime(2022, 9, 7, 8, 0, tzinfo=TZ)
NEXT_DAY = dt.datetime(2022, 9, 8, 8, 0, tzinfo=TZ)


@pytest.fixture
def app(plan_app):
    plan_app.clock.set(CHECKIN_DAY.replace(hour=7))
    return plan_app


async def quantified(app, section: int) -> list[str]:
    _, targets = await app.targets.targets()
    return [t.code for t in targets if t.section == section and t.goal is not None]


def gaps(report, chat_user: int) -> list[str]:
    """The target codes the person's message of that tick listed as missing (one item per unit)."""
    [message] = [m for m in report.messages.values() if m.user_id == chat_user]
    return [code for i in message.items if i.kind == TARGETS for code, _ in i.content.targets]


async def user_id(app, chat: str) -> int:
    from sqlalchemy import select

    from storage.models import Identity

    async with app.sessions() as session:
        return await session.scalar(select(Identity.user_id).where(Identity.chat_id == chat))


async def tick(app, service, sender, at: dt.datetime):
    app.clock.set(at)
    return await service.tick({"test": sender}, at)


async def test_units_get_their_areas_missing_targets_and_a_reported_figure_is_not_asked_again(app):
    router = Router(app)
    service = fast_service(app)
    sender = RecordingSender(app.clock, channel="test")
    khtcth = await registered(app, router, "kh-head", "khtcth")
    coordinator = await registered(app, router, "vp-coord", "van-phong", "coordinator")

    report = await tick(app, service, sender, CHECKIN_DAY)
    # Phòng KH-TC-TH leads by name only tasks of area VI (43–48, with the Văn phòng and the TTKC):
    # exactly that area's target, in the message that carries its year-round check-in.
    assert gaps(report, await user_id(app, "kh-head")) == await quantified(app, 6) == ["6.1"]
    [mine] = sender.to("kh-head")
    assert "🔁 Văn phòng Sở cần kết quả quý III" in mine.reply.text
    assert "📈 Chỉ tiêu chưa có số liệu quý III (1): 6.1 " in mine.reply.text
    assert "«chỉ tiêu 6.1 quý 3 đạt 97%»" in mine.reply.text
    # The coordinators, who compile the report, get the count of every quantified target without a figure.
    [vp] = sender.to("vp-coord")
    assert "📈 Chỉ tiêu chưa có số liệu quý III: **22/22** cần trước hạn 14/09" in vp.reply.text

    # Figures reported in chat, by the unit and by the Văn phòng for another unit's area.
    assert "Đã ghi nhận chỉ tiêu **6.1**" in await khtcth.text("chỉ tiêu 6.1 quý 3 đạt 100%")
    assert "Đã ghi nhận chỉ tiêu **2.1**" in await coordinator.text("chỉ tiêu 2.1 quý 3 đạt 100%")

    # Thanh tra's head registers the next day: the check-in catches up, with area II's target gone
    # (reported) and area III's ten quantified targets (Thanh tra leads task 21 by name).
    await registered(app, router, "tt-head", "thanh-tra")
    await registered(app, router, "vp-coord-2", "van-phong", "coordinator")
    report = await tick(app, service, sender, NEXT_DAY)
    area_3 = await quantified(app, 3)
    assert gaps(report, await user_id(app, "tt-head")) == area_3 and len(area_3) == 10
    [tt] = sender.to("tt-head")
    assert "(10): 3.1 TTHC thuộc phạm vi; 3.2 " in tt.reply.text and " +7 — gửi ví dụ «chỉ tiêu 3.1 quý 3" in tt.reply.text
    assert "2.1" not in tt.reply.text
    [vp2] = sender.to("vp-coord-2")
    assert "**20/22**" in vp2.reply.text
    # No one got a second message, neither day; those already asked are not asked again.
    per_day = Counter((s.chat_id, s.at.date()) for s in sender.sent)
    assert max(per_day.values()) == 1
    assert sorted(s.chat_id for s in sender.sent if s.at.date() == NEXT_DAY.date()) == ["tt-head", "vp-coord-2"]


async def test_officers_and_the_desk_are_not_asked_and_nothing_once_all_is_reported(app):
    """Officers read figures, they do not report them: the block goes to heads. The desk (officers only)
    has no block; its area's targets reach the Văn phòng's head and coordinators."""
    router = Router(app)
    service = fast_service(app)
    sender = RecordingSender(app.clock, channel="test")
    await registered(app, router, "mc-officer", "mot-cua", "officer")
    officer = await registered(app, router, "kh-officer", "khtcth", "officer")
    assert "Đã bật nhắc nhở" in await officer.text("bật nhắc nhở")
    head = await registered(app, router, "kh-head", "khtcth")
    assert "Đã ghi nhận" in await head.text("chỉ tiêu 6.1 quý 3 đạt 100%")

    await tick(app, service, sender, CHECKIN_DAY)
    for chat in ("mc-officer", "kh-officer", "kh-head"):
        [message] = sender.to(chat)
        assert "🔁" in message.reply.text and "📈" not in message.reply.text, chat


async def test_dry_run_lists_the_block_as_a_check_in_with_the_contract_keys(app):
    router = Router(app)
    await registered(app, router, "kh-head", "khtcth")
    items = await app.reminders.due(CHECKIN_DAY)
    contract = as_contract(items)
    keys = {"recipient_unit", "recipients", "task", "milestone", "due", "kind", "days_before", "key", "message",
            "unreachable_reason"}
    assert all(set(i) == keys for i in contract)
    assert {i["kind"] for i in contract} <= {"before_due", "due_today", "overdue", "report_before_due",
                                             "report_input", "checkin", "digest", "year_end"}
    [kh] = [i for i in contract if i["key"] == "khtcth:targets:2022-09-14"]
    assert kh["kind"] == "checkin" and kh["due"] == "2022-09-14" and kh["recipients"]
    assert "📈 Chỉ tiêu chưa có số liệu quý III (1): 6.1" in kh["message"]
    assert "🔁" in kh["message"]  # one message: the block rides with the year-round check-in
    department = next(i for i in contract if i["key"] == "*:targets:2022-09-14")
    assert department["recipients"] == [] and department["unreachable_reason"] == "no_registered_head"
    # the day before the check-in, nothing about targets
    assert not [i for i in as_contract(await app.reminders.due(CHECKIN_DAY - dt.timedelta(days=1)))
                if ":targets:" in i["key"]]


def test_whole_department_rows_make_nobody_answerable_for_an_area():
    internal = ["van-phong", "thanh-tra", "qltm"]
    rows = [(1, ["van-phong"]), (1, ["van-phong", "thanh-tra", "qltm"]), (2, ["van-phong", "thanh-tra", "qltm"]),
            (3, ["lanh-dao-so", "van-phong"]), (3, ["qltm", "thanh-tra"])]
    assert responsible_units(rows, internal, ["lanh-dao-so"]) == {1: ["van-phong"], 3: ["van-phong", "qltm", "thanh-tra"]}
