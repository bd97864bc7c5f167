"""NLU rules behind issue 12: reports by type and period, explicit beats vague, no task from common
words, who-leads questions, help phrasings — and the contract output unchanged (docs/contracts.md §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.settings import DEFAULTS
from conversation.nlu import CONTRACT_KEYS, Understander
from conversation.task_index import task_index_from_parsed
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from storage.importers import parse_plan_file

TODAY = dt.date(2022, 8, 15)


@pytest.fixture(scope="module")
def nlu() -> Understander:
    units = UnitDirectory.load(DEFAULTS / "units.yaml")
    reporting = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
    return Understander(units, task_index_from_parsed(parse_plan_file(DEFAULTS / "ke-hoach-cchc-2022.txt", units, reporting)))


@pytest.mark.parametrize(
    "text, report, kind",
    [
        ("hạn báo cáo kiểm soát TTHC 6 tháng", "H1", "kiem-soat-tthc"),
        ("bc kiểm soát tthc quý 2 hạn khi nào", "Q2", "kiem-soat-tthc"),
        ("báo cáo CCHC quý 2 nộp khi nào", "Q2", "cchc"),
        ("khi nào nộp báo cáo cải cách hành chính quý 3", "Q3", "cchc"),
        ("lịch báo cáo năm nay", None, None),
        ("các hạn báo cáo năm nay", None, None),
        ("báo cáo năm nộp trước ngày mấy", "Y", None),
    ],
)
def test_reports_by_type_and_period(nlu, text, report, kind):
    result = nlu.parse(text, TODAY)
    assert (result.intent, result.report, result.report_kind) == ("report_schedule", report, kind)
    assert set(result.to_contract()) == set(CONTRACT_KEYS)


@pytest.mark.parametrize(
    "text", ["khi nào nộp báo cáo đánh giá công chức", "báo cáo kết quả đánh giá công chức viên chức nộp khi nào"]
)
def test_a_report_outside_the_calendar_is_its_task(nlu, text):
    result = nlu.parse(text, TODAY)
    assert (result.intent, result.task) == ("task_info", 37)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("tháng 11 cuối năm có việc gì", dt.date(2022, 11, 1), dt.date(2022, 11, 30)),
        ("cuối năm tháng 12 phải làm gì", dt.date(2022, 12, 1), dt.date(2022, 12, 31)),
        ("sắp tới, quý 4 có gì", dt.date(2022, 10, 1), dt.date(2022, 12, 31)),
        ("cuối năm có việc gì", dt.date(2022, 10, 1), dt.date(2022, 12, 31)),  # alone it still counts
    ],
)
def test_an_explicit_period_beats_a_vague_one(nlu, text, start, end):
    result = nlu.parse(text, TODAY)
    assert result.intent == "list_tasks" and (result.period.start, result.period.end) == (start, end)


@pytest.mark.parametrize("text", ["xong rồi", "bên em đã xong việc đó", "làm xong rồi nha", "trong tuần này xong rồi"])
def test_common_words_never_pick_a_task(nlu, text):
    assert nlu.parse(text, TODAY).task is None


def test_a_task_named_by_its_own_words_is_still_found(nlu):
    result = nlu.parse("Đã hoàn thành việc công khai tài chính", TODAY)
    assert (result.intent, result.task) == ("update_status", 43)


def test_due_tomorrow_is_not_overdue(nlu):
    result = nlu.parse("việc nào hết hạn ngày mai", TODAY)
    assert result.intent == "list_tasks" and result.status is None and result.period.start == dt.date(2022, 8, 16)


@pytest.mark.parametrize("text, task", [("đơn vị nào chủ trì các việc về ISO", 58), ("phòng nào làm các việc về số hóa", 52)])
def test_who_leads_a_task_is_that_task(nlu, text, task):
    result = nlu.parse(text, TODAY)
    assert (result.intent, result.task) == ("task_info", task)


def test_who_leads_with_a_unit_named_is_still_a_list(nlu):
    result = nlu.parse("những việc nào do văn phòng chủ trì", TODAY)
    assert (result.intent, result.unit) == ("list_tasks", "van-phong")


def test_a_coordinator_names_the_unit_it_writes_for(nlu):
    result = nlu.parse("cập nhật giúp phòng quản lý thương mại: nv 4 đạt 70%", TODAY)
    assert (result.intent, result.task, result.percent, result.target_unit) == ("update_status", 4, 70, "qltm")
    assert result.to_contract()["unit"] is None  # the contract's update_status keeps no unit


@pytest.mark.parametrize(
    "text, intent",
    [
        ("hướng dẫn sử dụng", "help"), ("bot làm được những gì", "help"), ("cách dùng", "help"),
        ("dùng bot này như thế nào", "help"), ("có những lệnh gì", "help"), ("sử dụng trợ lý thế nào", "help"),
        ("tôi là ai", "whoami"), ("/toi", "whoami"), ("/duyet", "review"),
    ],
)
def test_help_and_account_phrasings(nlu, text, intent):
    assert nlu.parse(text, TODAY).intent == intent


def test_year_round_work_on_request(nlu):
    for text in ("việc thường xuyên", "/thuongxuyen", "các việc thường xuyên của thanh tra"):
        result = nlu.parse(text, TODAY)
        assert (result.intent, result.scope) == ("list_tasks", "year_round"), text
