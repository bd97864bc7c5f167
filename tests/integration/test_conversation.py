"""Whole conversations through the router on the real 2022 plan, with the clock at 15/08/2022."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from conversation.router import Router
from presentation.common import APOLOGY, NOT_REGISTERED
from storage.models import AssignmentLead, StatusUpdate
from tests.conversation_kit import AUG_15_2022, Chat, registered


@pytest.fixture
def app(plan_app):
    return plan_app


@pytest.fixture
def router(app):
    return Router(app)


async def _count(app, model) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def _lead_status(app, task: int, unit: str) -> tuple[str, int | None]:
    leads = await app.queries.leads(unit_ids=[unit], task=task)
    return leads[0].status, leads[0].percent


async def test_stranger_can_only_register_or_read_help(app, router):
    stranger = Chat(router, "999")
    assert (await stranger.say("quý này có việc gì đến hạn?"))[0].text == NOT_REGISTERED
    assert "mã mời" in await stranger.text("hướng dẫn")
    assert (await stranger.say("xong nhiệm vụ 3"))[0].text == NOT_REGISTERED
    assert await _count(app, StatusUpdate) == 0


async def test_register_with_code_once(app, router):
    invite = await app.users.create_invite("thanh-tra", "head", now=app.clock.now())
    first = Chat(router, "1")
    assert "Đăng ký thành công" in await first.text(f"dang ky {invite.code.lower()}")
    assert "Thanh tra Sở" in await first.text(f"đăng ký {invite.code}")  # already registered
    second = Chat(router, "2")
    assert "đã được dùng" in await second.text(f"đăng ký {invite.code}")
    assert "không đúng" in await second.text("đăng ký ZZZZZZ")
    assert await app.users.identify("test", "2") is None


async def test_expired_code_is_refused(app, router):
    invite = await app.users.create_invite("qltm", "head", now=app.clock.now() - dt.timedelta(days=8))
    assert "hết hạn" in await Chat(router, "3").text(f"đăng ký {invite.code}")


async def test_due_this_quarter_for_van_phong(app, router):
    head = await registered(app, router, "10", "van-phong")
    answer = await head.text("quý này có việc gì đến hạn?")
    assert "Văn phòng Sở" in answer and "quý III/2022" in answer
    dated = answer.split("việc thường xuyên")[0]
    for expected in (
        "NV 3 ", "NV 8 ", "hạn 30/09 (còn 46 ngày)", "NV 5 ", "hạn 15/09", "NV 7 ",
        "hạn 18/09 (CN) → nộp trước thứ Sáu 16/09 (còn 32 ngày)",  # one date everywhere: the working day
    ):
        assert expected in dated, expected
    assert "NV 36 " not in answer  # due Quý I
    assert "NV 33 " not in answer  # Trung tâm's task


async def test_same_question_without_diacritics(app, router):
    head = await registered(app, router, "11", "thanh-tra")
    answer = await head.text("quy nay co viec gi den han")
    assert "Thanh tra Sở" in answer
    assert "NV 3 " not in answer.split("Thực hiện cả năm")[0]


async def test_update_by_text_and_detail_shows_it(app, router):
    head = await registered(app, router, "12", "van-phong")
    answer = await head.text("nv 17 đang làm 60%")
    assert "Đã ghi nhận" in answer and "Đang thực hiện 60%" in answer
    assert await _lead_status(app, 17, "van-phong") == ("in_progress", 60)
    detail = await head.text("nhiệm vụ 17 là gì")
    assert "Công tác rà soát TTHC" in detail and "Đang thực hiện 60%" in detail
    assert "Hoàn thành" in await head.text("xong nhiệm vụ 17")
    assert await _lead_status(app, 17, "van-phong") == ("done", 100)


async def test_another_units_task_is_refused_and_nothing_changes(app, router):
    inspector = await registered(app, router, "13", "thanh-tra")
    answer = await inspector.text("xong nhiệm vụ 3")
    assert "Văn phòng Sở chủ trì" in answer and "không cập nhật được" in answer
    assert await _lead_status(app, 3, "van-phong") == ("not_started", None)
    assert await _count(app, StatusUpdate) == 0


async def test_forwarded_button_from_another_unit_is_refused(app, router):
    owner = await registered(app, router, "14", "van-phong")
    detail = await owner.say("nv 3")
    done_button = next(b for row in detail[0].buttons for b in row if b.data.endswith(":done"))
    intruder = await registered(app, router, "15", "qlcn")
    assert "không có quyền" in (await intruder.press(done_button.data))[0].text
    assert await _lead_status(app, 3, "van-phong") == ("not_started", None)
    assert "Đã ghi nhận" in (await owner.press(done_button.data))[0].text
    assert await _lead_status(app, 3, "van-phong") == ("done", 100)


async def test_same_message_delivered_twice_is_recorded_once(app, router):
    head = await registered(app, router, "16", "van-phong")
    first = await head.say("nv 36 đã hoàn thành", message_id="upd-1")
    again = await head.say("nv 36 đã hoàn thành", message_id="upd-1")
    assert "Đã ghi nhận" in first[0].text and again == []
    assert await _count(app, StatusUpdate) == 1


async def test_unknown_task_number(app, router):
    head = await registered(app, router, "17", "van-phong")
    assert "Không có nhiệm vụ số 99 (kế hoạch có 59 nhiệm vụ)" in await head.text("nhiệm vụ 99 là gì")
    assert "Không có nhiệm vụ số 75" in await head.text("nv 75 xong")
    assert await _count(app, StatusUpdate) == 0


async def test_very_long_and_emoji_only_messages_get_an_answer(app, router):
    head = await registered(app, router, "18", "van-phong")
    long_answer = await head.text("quý này có việc gì đến hạn? " + "x" * 5000)
    assert "NV 3 " in long_answer and APOLOGY not in long_answer
    emoji = await head.text("😀😀🎉")
    assert emoji and APOLOGY not in emoji


async def test_coordinator_records_trigger_date(app, router):
    coordinator = await registered(app, router, "19", "van-phong", role="coordinator")
    answer = await coordinator.text("nv 18: đã nhận văn bản UBND ngày 10/5")
    assert "hạn 17/05" in answer  # 5 working days after Tue 10/5/2022
    head = await registered(app, router, "20", "thanh-tra")
    assert "Chỉ Văn phòng Sở" in await head.text("nv 18: đã nhận văn bản UBND ngày 10/5")


async def test_admin_of_another_unit_chooses_which_part(app, router):
    admin = await registered(app, router, "21", "lanh-dao-so", role="admin")
    replies = await admin.say("nhiệm vụ 4 đang làm 30%")
    assert "đơn vị nào" in replies[0].text
    qlnl = next(b for row in replies[0].buttons for b in row if b.text.startswith("Phòng Quản lý Năng lượng"))
    assert "Đã ghi nhận" in (await admin.press(qlnl.data))[0].text
    assert await _lead_status(app, 4, "qlnl") == ("in_progress", 30)
    assert await _lead_status(app, 4, "khtcth") == ("not_started", None)  # only the chosen share changed


async def test_numbered_answer_presses_the_button(app, router):
    admin = await registered(app, router, "22", "lanh-dao-so", role="admin")
    replies = await admin.say("nhiệm vụ 9 xong")
    units = [b.text for row in replies[0].buttons for b in row]
    answer = await admin.text(str(units.index("Thanh tra Sở") + 1))
    assert "Đã ghi nhận" in answer
    assert await _lead_status(app, 9, "thanh-tra") == ("done", 100)


async def test_leader_is_read_only(app, router):
    leader = await registered(app, router, "23", "lanh-dao-so", role="leader")
    assert "chỉ xem" in await leader.text("xong nhiệm vụ 11")
    assert await _count(app, StatusUpdate) == 0


async def test_blocked_button_asks_for_the_reason(app, router):
    head = await registered(app, router, "24", "ttkc")
    detail = await head.say("nv 33")
    blocked = next(b for row in detail[0].buttons for b in row if b.data.endswith(":blocked"))
    assert "vướng mắc" in (await head.press(blocked.data))[0].text
    assert "Vướng mắc" in await head.text("chưa có hướng dẫn của Sở Nội vụ")
    async with app.sessions() as session:
        update = await session.scalar(select(StatusUpdate))
        assert update.status == "blocked" and update.note == "chưa có hướng dẫn của Sở Nội vụ"


async def test_lists_page_with_buttons(app, router):
    coordinator = await registered(app, router, "25", "van-phong", role="coordinator")
    replies = await coordinator.say("/viec")
    assert "trang 1/" in replies[0].text
    next_page = replies[0].buttons[0][-1]
    assert next_page.text.startswith("Sau")
    second = await coordinator.press(next_page.data)
    assert "trang 2/" in second[0].text and second[0].text != replies[0].text


async def test_report_schedule_targets_progress_history(app, router):
    head = await registered(app, router, "26", "van-phong")
    assert "hạn 15/09" in await head.text("khi nào nộp báo cáo CCHC quý 3?")
    assert "30%" in await head.text("chỉ tiêu thanh toán trực tuyến là bao nhiêu")
    await head.say("nv 36 xong")
    progress = await head.text("tiến độ chung của Sở thế nào")
    assert "Tiến độ toàn Sở" in progress and "✅ 1/" in progress
    assert "Hoàn thành" in await head.text("/lichsu 36")


async def test_status_rows_per_unit(app):
    async with app.sessions() as session:
        leads = await session.scalar(select(func.count()).select_from(AssignmentLead))
    assert leads > 59  # collective tasks give every member unit its own share


async def test_history_lists_status_changes_and_evidence(app, router):
    from storage.models import Evidence

    head = await registered(app, router, "27", "van-phong")
    await head.say("nv 8 đang làm 40%")
    lead = (await app.queries.leads(unit_ids=["van-phong"], task=8))[0]
    async with app.sessions() as session, session.begin():
        session.add(Evidence(
            lead_id=lead.lead_id, channel="test", caption="nv 8 biên bản kiểm tra", file_name="bien-ban.pdf",
            sha256="0" * 64, size=10, mime_type="application/pdf", path="/dev/null", created_at=app.clock.now(),
        ))
    history = await head.text("/lichsu 8")
    assert "Đang thực hiện 40%" in history and "gửi minh chứng" in history


async def test_minhchung_opens_the_review_queue_for_coordinators(app, router):
    from storage.models import Evidence

    lead = (await app.queries.leads(unit_ids=["thanh-tra"], task=16))[0]
    async with app.sessions() as session, session.begin():
        session.add(Evidence(
            lead_id=lead.lead_id, channel="test", caption="nv 16 kế hoạch", file_name="ke-hoach.pdf",
            sha256="1" * 64, size=10, mime_type="application/pdf", path="x.pdf", created_at=app.clock.now(),
        ))
    coordinator = await registered(app, router, "28", "van-phong", role="coordinator")
    assert "1 minh chứng chờ duyệt" in await coordinator.text("/minhchung")
    head = await registered(app, router, "29", "qltm")
    assert "chờ duyệt" not in await head.text("/minhchung")


async def test_a_share_with_several_reports_is_done_report_by_report(app, router):
    """«xong nhiệm vụ 5» in August completes the reports already due (Quý I, 6 tháng), not the ones
    ahead: Quý III is still listed and still reminded, and the share is done with the annual report."""
    import datetime as dt


    head = await registered(app, router, "30", "van-phong")
    answer = await head.text("xong nhiệm vụ 5")
    assert "hoàn thành mốc **«Báo cáo 6 tháng»**" in answer
    assert "Báo cáo Quý III (15/09/2022); Báo cáo năm (15/12/2022)" in answer
    assert await _lead_status(app, 5, "van-phong") == ("in_progress", 50)

    def task5(text: str) -> str:
        return "\n".join(line for line in text.split("\n") if "NV 5 " in line)

    assert task5(await head.text("việc nào trễ hạn")) == ""  # Quý I and 6 tháng are done
    assert "Báo cáo Quý III: hạn 15/09" in task5(await head.text("quý này có việc gì đến hạn"))

    due = await app.reminders.due(dt.datetime(2022, 9, 5, 9, 0, tzinfo=AUG_15_2022.tzinfo))
    assert any(item.task_number == 5 and item.kind == "report_before_due" for item in due)

    assert "hoàn thành mốc **«Báo cáo Quý III»**" in await head.text("nv 5 xong")
    assert "Đã ghi nhận" in await head.text("nv 5 xong")
    assert await _lead_status(app, 5, "van-phong") == ("done", 100)
    assert task5(await head.text("việc nào trễ hạn")) == ""
