"""Multi-turn conversations for every flow that asks a question back (confirm, cancel, choose a unit,
choose a task, page), in the colloquial words people answer with, and the refusals that say why.

The real 2022 plan, the clock at Monday 15/08/2022 09:00 (tests/conftest.py `plan_app`).
"""

from __future__ import annotations

import pytest

from conversation.router import Router
from presentation.common import NO_NEXT_PAGE
from tests.conversation_kit import registered


@pytest.fixture
def app(plan_app):
    return plan_app


@pytest.fixture
def router(app):
    return Router(app)


async def _share(app, task: int, unit: str) -> tuple[str, int | None]:
    leads = await app.queries.leads(unit_ids=[unit], task=task)
    return leads[0].status, leads[0].percent


# -- confirm / cancel ---------------------------------------------------------------------------------
@pytest.mark.parametrize("yes", ["vâng đúng", "chuẩn rồi", "ok luôn", "vang dung", "dạ phải ạ"])
async def test_a_colloquial_yes_writes_the_update_it_confirms(app, router, yes):
    head = await registered(app, router, "10", "van-phong")
    question = await head.text("kê khai tài sản xong rồi")
    assert "nhiệm vụ 42" in question and "?" in question
    assert await _share(app, 42, "van-phong") == ("not_started", None)
    answer = await head.text(yes)
    assert "42" in answer
    assert (await _share(app, 42, "van-phong"))[0] == "done"


@pytest.mark.parametrize("no", ["thôi khỏi", "thoi khoi", "không phải đâu", "hủy giùm em"])
async def test_a_colloquial_no_writes_nothing(app, router, no):
    head = await registered(app, router, "10", "van-phong")
    await head.say("kê khai tài sản xong rồi")
    answer = await head.text(no)
    assert "huỷ" in answer.lower() or "không có gì thay đổi" in answer.lower()
    assert await _share(app, 42, "van-phong") == ("not_started", None)
    assert "Không có việc gì đang chờ" in await head.text("ok luôn")  # the question is gone


async def test_a_notice_waiting_for_send_is_answered_by_a_typed_yes_or_no(app, router):
    coordinator = await registered(app, router, "20", "van-phong", "coordinator")
    await registered(app, router, "11", "qltm")
    preview = await coordinator.text("/thongbao họp giao ban 14h chiều nay")
    assert "Gửi thông báo" in preview
    assert "hủy thông báo" in await coordinator.text("thôi khỏi")
    await coordinator.say("/thongbao họp giao ban 14h chiều nay")
    assert "Đã gửi thông báo" in await coordinator.text("ok luôn")


# -- choose a unit, choose a task -------------------------------------------------------------------
async def test_a_coordinator_chooses_the_unit_of_a_task_led_by_several(app, router):
    coordinator = await registered(app, router, "20", "van-phong", "coordinator")
    replies = await coordinator.say("nv 43 đang làm 50%")
    assert "nhiều đơn vị chủ trì" in replies[0].text
    labels = [row[0].text for row in replies[0].buttons]
    pick = labels.index("Trung tâm Khuyến công và Xúc tiến Thương mại") + 1
    await coordinator.say(str(pick))
    assert await _share(app, 43, "ttkc") == ("in_progress", 50)
    assert (await _share(app, 43, "khtcth"))[0] == "not_started"
    card = await coordinator.text("nv 43")
    assert "Trung tâm Khuyến công và Xúc tiến Thương mại: Đang thực hiện" in card


async def test_a_status_after_a_task_card_asks_which_task_then_writes(app, router):
    head = await registered(app, router, "10", "van-phong")
    await head.say("nv 42")
    question = await head.text("xong rồi")
    assert "42" in question
    await head.say("chuẩn luôn")
    assert (await _share(app, 42, "van-phong"))[0] == "done"


async def test_the_card_of_a_task_with_many_leads_says_which_unit_is_under_way(app, router):
    coordinator = await registered(app, router, "20", "van-phong", "coordinator")
    head = await registered(app, router, "12", "qltm")
    await head.say("nv 4 đang làm 30%")
    assert await _share(app, 4, "qltm") == ("in_progress", 30)
    card = await coordinator.text("nv 4")
    assert "1 đang thực hiện: Phòng Quản lý Thương mại (30%)" in card


# -- paging -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("more", ["xem tiếp", "trang sau", "tiếp đi", "còn nữa không"])
async def test_paging_words_turn_the_page(app, router, more):
    coordinator = await registered(app, router, "20", "van-phong", "coordinator")
    first = await coordinator.text("tất cả việc")
    assert "(trang 1/" in first
    second = await coordinator.text(more)
    assert "(trang 2/" in second


async def test_paging_with_nothing_to_page_says_so(app, router):
    head = await registered(app, router, "10", "van-phong")
    assert await head.text("xem tiếp") == NO_NEXT_PAGE
    await head.say("nv 42")
    assert await head.text("trang sau") == NO_NEXT_PAGE


# -- refusals that say why --------------------------------------------------------------------------
async def test_a_percent_over_100_is_refused_with_the_range(app, router):
    head = await registered(app, router, "10", "van-phong")
    answer = await head.text("nv 42 đạt 120%")
    assert "120%" in answer and "0% đến 100%" in answer
    assert await _share(app, 42, "van-phong") == ("not_started", None)


async def test_an_impossible_event_date_is_refused_with_the_date(app, router):
    coordinator = await registered(app, router, "20", "van-phong", "coordinator")
    answer = await coordinator.text("nv 18: đã nhận quyết định công bố ngày 31/2")
    assert "31/2" in answer and "không có trong lịch" in answer


# -- answers to the question asked ------------------------------------------------------------------
async def test_both_periodic_reports_named_are_both_answered(app, router):
    head = await registered(app, router, "10", "qltm")
    answer = await head.text("báo cáo CCHC và báo cáo kiểm soát TTHC quý 3 nộp khi nào")
    assert "Báo cáo CCHC Quý III" in answer and "Báo cáo kiểm soát TTHC Quý III" in answer
    countdown = await head.text("còn bao nhiêu ngày nữa là hạn báo cáo quý 3")
    assert "còn 31 ngày" in countdown


async def test_help_in_other_words_reaches_the_section_asked_about(app, router):
    head = await registered(app, router, "10", "qltm")
    answer = await head.text("muốn báo tiến độ thì làm sao ta")
    assert answer.startswith("**Báo cáo tiến độ**") and len(answer) < 400
    assert "**Hỏi việc**" in await head.text("xài bot này sao vậy")


async def test_target_questions_get_the_required_level_or_the_whole_area(app, router):
    head = await registered(app, router, "10", "qltm")
    level = await head.text("chỉ tiêu ký số phải đạt tối thiểu mấy phần trăm")
    assert level.startswith("Chỉ tiêu **7.1**") and "yêu cầu **100%**" in level
    area = await head.text("tất cả chỉ tiêu về chính quyền điện tử")
    assert "7.1" in area and "7.6" in area


async def test_an_event_date_given_by_chat_sets_a_relative_deadline_that_keeps_its_rule(app, router):
    coordinator = await registered(app, router, "20", "van-phong", "coordinator")
    recorded = await coordinator.text("nv 18: đã nhận quyết định công bố của UBND ngày 5/8")
    assert "hạn 12/08" in recorded
    card = await coordinator.text("nv 18")
    assert "hạn 12/08" in card and "05 ngày làm việc" in card


async def test_short_english_questions_about_report_dates(app, router):
    head = await registered(app, router, "10", "qltm")
    assert "Quý III" in await head.text("when is the Q3 report due?")


async def test_a_period_before_tet_filters_the_list(app, router):
    head = await registered(app, router, "10", "van-phong")
    answer = await head.text("từ nay đến Tết có việc gì đến hạn")
    assert "15/08/2022–19/01/2023" in answer  # today until the last working day before the Tết break


async def test_lists_filter_on_the_effective_due_date(app):
    """The TTHC report of Q3 is due Sunday 18/09, so on Friday 16/09: a question about 16/09 lists it,
    one about 18/09 does not (the list prints the moved date)."""
    import datetime as dt

    friday = await app.queries.list_tasks(unit_ids=["van-phong"], period=(dt.date(2022, 9, 16),) * 2, status=None,
                                          today=dt.date(2022, 9, 15))
    sunday = await app.queries.list_tasks(unit_ids=["van-phong"], period=(dt.date(2022, 9, 18),) * 2, status=None,
                                          today=dt.date(2022, 9, 15))
    assert 7 in {item.lead.task_number for item in friday.items}
    assert 7 not in {item.lead.task_number for item in sunday.items}


async def test_an_update_by_description_for_another_units_task_is_refused_without_asking_first(app, router):
    head = await registered(app, router, "10", "qltm")
    answer = await head.text("kê khai tài sản xong rồi")  # task 42 is led by Văn phòng Sở
    assert "không cập nhật được" in answer and "?" not in answer
    assert "Không có việc gì đang chờ" in await head.text("vâng đúng")
