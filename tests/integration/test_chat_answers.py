"""Answers a unit head trusts on a phone (issue 12): right, short, consistent — and a «1» that never
presses the wrong button. Whole conversations through the router, real 2022 plan, clock at 15/08/2022."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from conversation.router import Router
from presentation.format import short
from storage.models import StatusUpdate
from tests.conversation_kit import Chat, registered


@pytest.fixture
def app(plan_app):
    return plan_app


@pytest.fixture
def router(app):
    return Router(app)


async def _writes(app) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(StatusUpdate))


async def _status(app, task: int, unit: str) -> tuple[str, int | None]:
    [lead] = await app.queries.leads(unit_ids=[unit], task=task)
    return lead.status, lead.percent


# -- 1. numbered answers press only the previous answer's buttons ----------------------------------------
async def test_a_number_never_presses_a_button_two_answers_back(app, router):
    head = await registered(app, router, "s1", "van-phong")
    assert (await head.say("nv 3"))[0].buttons  # a detail with status buttons
    progress = await head.say("nv 17 đang làm 60%")  # an answer without buttons
    assert not progress[0].buttons
    answer = await head.text("1")
    assert "không có lựa chọn" in answer and "nhiệm vụ 1" in answer
    assert await _status(app, 3, "van-phong") == ("not_started", None)
    assert await _writes(app) == 1


async def test_a_number_right_after_the_buttons_presses_and_names_the_task(app, router):
    head = await registered(app, router, "s2", "van-phong")
    await head.say("nv 3")
    answer = await head.text("1")  # ✅ Hoàn thành
    assert "nhiệm vụ 3" in answer and "Hoàn thành" in answer
    assert await _status(app, 3, "van-phong") == ("done", 100)


async def test_forged_button_data_gets_a_clear_answer_and_changes_nothing(app, router):
    head = await registered(app, router, "s3", "van-phong")
    for data in ("st:99999999999999999999:done", "st:1:deleted", "ls:*:x"):
        [reply] = await head.press(data)
        assert "Nút không hợp lệ" in reply.text and "Không có gì thay đổi" in reply.text
    assert await _writes(app) == 0


async def test_a_coordinator_naming_a_unit_writes_that_units_share(app, router):
    leads = await app.queries.leads(task=4)
    other = next(lead.unit_id for lead in leads if lead.unit_id != "van-phong")
    name = app.units.name(other)
    coordinator = await registered(app, router, "s4", "van-phong", role="coordinator")
    answer = await coordinator.text(f"cập nhật giúp {name}: nv 4 đạt 70%")
    assert "Đã ghi nhận" in answer and name in answer
    assert await _status(app, 4, other) == ("in_progress", 70)
    assert all(lead.status == "not_started" for lead in await app.queries.leads(task=4) if lead.unit_id != other)


async def test_a_coordinator_naming_no_unit_on_a_shared_task_is_asked_which(app, router):
    coordinator = await registered(app, router, "s5", "van-phong", role="coordinator")
    [reply] = await coordinator.say("nv 4 đạt 70%")
    assert "đơn vị nào" in reply.text and len(reply.buttons) == len({lead.unit_id for lead in await app.queries.leads(task=4)})
    assert await _writes(app) == 0


async def test_a_head_naming_another_unit_is_refused(app, router):
    head = await registered(app, router, "s6", "thanh-tra")
    answer = await head.text("cập nhật giúp phòng quản lý thương mại: nv 4 đạt 70%")
    assert "chỉ cập nhật được phần việc của Thanh tra Sở" in answer and "Không có gì thay đổi" in answer
    assert await _writes(app) == 0


# -- 2. reports by type and period -------------------------------------------------------------------------
async def test_the_tthc_reports_six_months_is_its_quarter_two(app, router):
    head = await registered(app, router, "r1", "van-phong")
    answer = await head.text("hạn báo cáo kiểm soát TTHC 6 tháng")
    assert "Báo cáo kiểm soát TTHC Quý II" in answer and "Báo cáo CCHC" not in answer


async def test_the_cchc_reports_quarter_two_is_its_six_months(app, router):
    head = await registered(app, router, "r2", "van-phong")
    answer = await head.text("báo cáo CCHC quý 2 nộp khi nào")
    assert "Báo cáo CCHC 6 tháng: hạn 15/06" in answer and "TTHC" not in answer


async def test_this_year_is_a_period_not_the_annual_report(app, router):
    head = await registered(app, router, "r3", "van-phong")
    answer = await head.text("lịch báo cáo năm nay")
    assert "Lịch nộp báo cáo định kỳ năm 2022" in answer and answer.count("\n• ") >= 7


async def test_past_report_dates_are_past_or_filed_never_late_by_months(app, router):
    head = await registered(app, router, "r4", "van-phong")
    calendar = await head.text("lịch nộp báo cáo định kỳ")
    first_quarter = next(line for line in calendar.split("\n") if "Báo cáo CCHC Quý I:" in line)
    assert "đã qua" in first_quarter and "trễ" not in first_quarter
    await head.say("xong nhiệm vụ 5")  # the Quý I and 6-month reports are done
    calendar = await head.text("lịch nộp báo cáo định kỳ")
    assert "đã nộp" in next(line for line in calendar.split("\n") if "Báo cáo CCHC Quý I:" in line)
    assert "còn" in next(line for line in calendar.split("\n") if "Báo cáo CCHC Quý III" in line)


@pytest.mark.parametrize(
    "question", ["khi nào nộp báo cáo đánh giá công chức", "báo cáo kết quả đánh giá công chức viên chức nộp khi nào"]
)
async def test_a_non_periodic_report_is_answered_from_its_task(app, router, question):
    head = await registered(app, router, "r5", "van-phong")
    answer = await head.text(question)
    assert answer.startswith("**NV 37.") and "Lịch nộp" not in answer


# -- 3. explicit beats vague; no guessing a task ------------------------------------------------------------
@pytest.mark.parametrize("question", ["tháng 11 cuối năm có việc gì", "cuối năm, tháng 11 phòng mình phải làm gì"])
async def test_an_explicit_month_beats_the_end_of_the_year(app, router, question):
    head = await registered(app, router, "v1", "van-phong")
    assert "01/11/2022–30/11/2022" in await head.text(question)


@pytest.mark.parametrize("message", ["xong rồi", "bên em đã xong việc đó", "làm xong rồi nha", "trong tuần này xong rồi"])
async def test_done_without_a_task_asks_which_and_writes_nothing(app, router, message):
    head = await registered(app, router, "v2", "van-phong")
    answer = await head.text(message)
    assert "Đã ghi nhận" not in answer
    assert await _writes(app) == 0


async def test_done_right_after_a_task_asks_about_that_task_first(app, router):
    head = await registered(app, router, "v3", "van-phong")
    await head.say("nv 3")
    [ask] = await head.say("xong rồi")
    assert "nhiệm vụ 3" in ask.text and ask.buttons and await _writes(app) == 0
    assert "Đã ghi nhận" in await head.text("có")
    assert await _status(app, 3, "van-phong") == ("done", 100)


# -- 4. long messages ---------------------------------------------------------------------------------------
async def test_a_long_message_is_read_at_its_end_and_says_so(app, router):
    head = await registered(app, router, "l1", "van-phong")
    pasted = "Kính gửi các phòng. " + "Nội dung công văn số 123 về việc triển khai. " * 80
    answer = await head.text(pasted + "\nVậy quý này có việc gì đến hạn?")
    assert "việc có hạn trong kỳ" in answer and "quý III/2022" in answer
    assert "Tin nhắn dài" in answer.split("\n")[-1]


# -- 5. short by default ---------------------------------------------------------------------------------------
async def test_one_fact_target_question_gets_one_line(app, router):
    head = await registered(app, router, "p1", "van-phong")
    answer = await head.text("mức độ hài lòng phải đạt bao nhiêu %")
    assert "85%" in answer and "\n" not in answer and len(answer) < 300


async def test_department_progress_is_short_and_leaves_out_zeros(app, router):
    coordinator = await registered(app, router, "p2", "van-phong", role="coordinator")
    answer = (await coordinator.say("tiến độ toàn sở"))[0].text
    assert len(answer) <= 900 and "0 đang làm" not in answer and "Văn phòng Sở" in answer


async def test_a_head_sees_their_own_unit_first(app, router):
    head = await registered(app, router, "p3", "thanh-tra")
    answer = (await head.say("phòng mình làm được bao nhiêu"))[0].text
    assert answer.startswith("**Tiến độ của Thanh tra Sở**")


async def test_a_task_detail_fits_one_screen(app, router):
    head = await registered(app, router, "p4", "van-phong")
    for number in range(1, 60):
        answer = await head.text(f"nv {number}")
        assert len(answer) <= 700, (number, len(answer))
    detail = await head.text("nv 58")  # led by every unit: one phrase, not seven names
    assert "Chủ trì: các phòng, đơn vị thuộc Sở" in detail and "Thanh tra Sở" not in detail
    detail = await head.text("nv 3")  # led by the Văn phòng: never its own coordinator
    who = next(line for line in detail.split("\n") if line.startswith("Chủ trì"))
    assert who.startswith("Chủ trì: Văn phòng Sở") and "Văn phòng Sở" not in who.split("Phối hợp:")[-1]


def test_titles_are_cut_at_a_word_boundary():
    title = "Hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015 tại Sở"
    cut = short(title, 12)
    assert cut == "Hệ thống…" and short("ngắn", 12) == "ngắn"


async def test_lists_lead_with_what_is_due_and_fold_year_round_work(app, router):
    inspector = await registered(app, router, "p5", "thanh-tra")
    answer = await inspector.text("quý này thanh tra có việc gì đến hạn")
    lines = answer.split("\n")
    assert lines[1].startswith(("Không có việc nào có hạn trong kỳ", "1 việc", "2 việc", "3 việc"))
    assert "việc thường xuyên — gõ «việc thường xuyên»" in lines[-1]
    routine = await inspector.text("việc thường xuyên")
    assert "Thực hiện cả năm" in routine and "việc thường xuyên" in routine.split("\n")[0].lower()
    office = await registered(app, router, "p6", "van-phong")
    assert "\n4 việc có hạn trong kỳ\n" in await office.text("quý này có việc gì đến hạn?")


# -- 6. one date everywhere -----------------------------------------------------------------------------------
async def test_a_deadline_on_a_day_off_reads_the_same_in_list_detail_and_calendar(app, router):
    head = await registered(app, router, "d1", "van-phong")
    same = "hạn 18/09 (CN) → nộp trước thứ Sáu 16/09"
    listing = await head.text("quý này có việc gì đến hạn?")
    assert same + " (còn 32 ngày)" in next(line for line in listing.split("\n") if "NV 7 " in line)
    assert same in await head.text("nv 7")
    calendar = await head.text("hạn báo cáo kiểm soát TTHC quý 3")
    assert same + " — còn 32 ngày" in calendar


# -- 8. help in any phrasing -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    ["hướng dẫn sử dụng", "bot làm được những gì", "cách dùng", "dùng bot này như thế nào", "có những lệnh gì",
     "sử dụng trợ lý thế nào"],
)
async def test_help_in_any_phrasing(app, router, question):
    head = await registered(app, router, "h1", "van-phong")
    answer = await head.text(question)
    assert "Anh/chị đang dùng trợ lý" in answer and "/viec" in answer


async def test_whoami(app, router):
    head = await registered(app, router, "h2", "thanh-tra")
    assert "Thanh tra Sở" in await head.text("tôi là ai")
    assert "Thanh tra Sở" in await Chat(router, "h2").text("/toi")


def test_a_file_size_reads_the_same_in_the_evidence_list_the_review_card_and_the_web():
    import datetime as dt

    from bot.settings import DEFAULTS
    from domain.units import UnitDirectory
    from presentation.format import file_size
    from presentation.review import card
    from services.review_service import EvidenceView
    from web.server import file_size as web_size

    assert [file_size(n) for n in (512, 740 * 1024, 1536 * 1024, 20 * 1024 * 1024)] == [
        "512 byte", "740 KB", "1,5 MB", "20,0 MB"]
    assert web_size is file_size  # the web view's template filter
    evidence = EvidenceView(1, 1, "van-phong", 17, "Kê khai tài sản", 1, "bien-ban.pdf", None, "application/pdf",
                            1536 * 1024, "2022/17/x.pdf", "x", "telegram", dt.datetime(2022, 8, 15, 9), 1, "An",
                            "accepted", None, "Lan", dt.datetime(2022, 8, 16, 9))
    text = card(evidence, UnitDirectory.load(DEFAULTS / "units.yaml"), buttons=False, attached=None).text
    assert "(1,5 MB)" in text and "đã xác nhận" in text  # the review words of domain.shares
