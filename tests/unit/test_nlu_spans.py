"""Span ownership, short replies, how-to questions, Tết periods and plan-derived facts (docs/contracts.md §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.settings import DEFAULTS
from conversation.nlu.howto import help_question
from conversation.nlu.lexicon import periodic_report_tasks
from conversation.nlu.periods import tet_break, until_tet
from conversation.nlu.replies import short_reply
from conversation.nlu.spans import Glossary, SpanGrammar, load_glossary
from domain.workdays import WorkingCalendar
from tests.nlu_kit import bundled_understander

D = dt.date
MONDAY = D(2022, 8, 15)


def parse(text: str, today: dt.date = MONDAY) -> dict:
    return bundled_understander().parse(text, today).to_contract()


# -- the grammar -----------------------------------------------------------------------------------
def test_levels_are_owned_by_the_level_not_by_a_task():
    grammar = SpanGrammar(load_glossary())
    text = "dich vu cong muc do 3 muc do 4 nhiem vu 55"
    claims = grammar.resolve(text)
    assert {c.kind for c in claims} == {"level"}
    assert "".join(text[c.span[0]:c.span[1]] for c in claims) == "muc do 3 muc do 4"
    assert parse("dvc mức 4 nv 55 đang làm được 60%") == {
        **parse("nv 55 đang làm được 60%"), "task": 55}
    assert parse("dịch vụ công trực tuyến cấp độ 3 hạn chót")["task"] == 55


def test_a_level_written_with_its_diacritics_is_never_a_task():
    for text in ("đã đạt mức 3 chưa", "có bao nhiêu thủ tục mức 4", "MỨC 2 thì sao", "mức 3"):
        assert parse(text)["task"] is None, text
    assert parse("mục 3 là gì")["task"] == 3  # «mục»: an item of the plan
    assert parse("muc 3 la gi")["task"] == 3  # without diacritics the two words are one: read as the item
    assert parse("nv 55 mức 3 đã xong") == parse("nv 55 mức độ 3 đã xong")
    assert parse("nv 17 đạt mức 30%")["percent"] == 30  # a level is 1 to 4
    normalized = bundled_understander().normalizer.normalize("đạt Mức 3 chưa")
    assert len(normalized.aligned) == len(normalized.original)  # notes are cut from the original by position


def test_a_system_name_is_never_the_unit_whose_word_it_contains():
    assert parse("nhiệm vụ 53 văn phòng điện tử đã hoàn thành")["intent"] == "update_status"
    got = parse("hồ sơ công việc trên VPĐT là nhiệm vụ nào")
    assert (got["intent"], got["task"], got["unit"]) == ("task_info", 53, None)
    got = parse("hệ thống một cửa điện tử là nhiệm vụ nào")
    assert (got["intent"], got["task"], got["unit"]) == ("task_info", 22, None)
    assert parse("bộ phận một cửa còn việc gì chưa xong")["unit"] == "mot-cua"


def test_overlapping_candidates_keep_the_best_scored():
    grammar = SpanGrammar(Glossary.from_data({"systems": [{"name": "VP", "aliases": ["van phong dien tu"]}],
                                              "levels": {"markers": ["muc do"], "bare": ["muc"],
                                                         "context": ["dich vu cong"]}}))
    text = "van phong dien tu muc 3 dich vu cong 60%"
    claims = grammar.resolve(text, percents=[(37, 40)], periods=[(18, 23)])
    # the same «muc 3» offered as a period too: the surer reading (a period outscores a bare level) wins
    assert [(c.kind, text[c.span[0]:c.span[1]]) for c in claims] == [
        ("system", "van phong dien tu"), ("period", "muc 3"), ("percent", "60%")]
    assert grammar.resolve("muc 3") == []  # no public-service word: «mục 3» may be a task's item


def test_unit_aliases_and_systems_come_from_the_glossary_file():
    glossary = load_glossary()
    assert "ttkc" in glossary.unit_aliases and glossary.systems["van phong dien tu"] == "Văn phòng điện tử"


# -- short replies ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "kind"), [
    ("vang dung", "confirm"), ("chuan roi", "confirm"), ("ok luon", "confirm"), ("da phai a", "confirm"),
    ("u", "confirm"), ("thoi khoi", "cancel"), ("thoi khong can dau", "cancel"), ("huy gium em", "cancel"),
    ("dung lai", "cancel"), ("khong dung", "deny"), ("da khong", "deny"), ("sai roi nha", "deny"),
    ("xem tiep di", "next_page"), ("trang sau", "next_page"), ("con nua khong ban", "next_page"),
    ("nv 17 xong", None), ("co viec gi khong", None), ("", None),
])
def test_short_replies_are_read_as_words(text, kind):
    assert short_reply(text) == kind


def test_colloquial_replies_with_and_without_diacritics_and_one_typo():
    for text in ("vâng đúng", "vang dung", "Chuẩn rồi!", "ok luôn", "OK LUON"):
        assert parse(text)["intent"] == "confirm", text
    for text in ("thôi khỏi", "thoi khoi", "khỏi đi"):
        assert parse(text)["intent"] == "cancel", text
    assert parse("đồg ý")["intent"] == "confirm"
    assert parse("khôngg nha")["intent"] == "deny"


# -- how-to questions ------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "topic"), [
    ("cach cap nhat tien do nhu the nao", "update_status"), ("huong dan bao cao tien do", "update_status"),
    ("xai sao vay ban", None), ("dung bot the nao", None), ("lam sao de gui minh chung", "evidence"),
    ("bot nay lam duoc nhung gi", None),
])
def test_how_to_questions_name_their_help_section(text, topic):
    assert help_question(text) == (True, topic)


@pytest.mark.parametrize("text", ["viec tuyen dung cong chuc the nao", "tien do phong qltm the nao roi",
                                  "ho so giai quyet dung han phai dat bao nhieu"])
def test_questions_about_the_work_are_not_help(text):
    assert help_question(text) == (False, None)


# -- periods on the working calendar ----------------------------------------------------------------
def test_tet_is_the_working_calendars_lunar_new_year_break():
    workdays = WorkingCalendar.load(DEFAULTS / "calendar_overrides.yaml")
    assert tet_break(2023, workdays).start == D(2023, 1, 20)
    assert until_tet(D(2022, 12, 12), workdays).end == D(2023, 1, 19)  # the last working day before it
    assert until_tet(D(2022, 1, 10), workdays).end == D(2022, 1, 28)
    assert until_tet(D(2023, 3, 1), workdays).start == D(2023, 3, 1)  # after Tết: the next year's


def test_tet_periods_and_a_typo_inside_a_period_word():
    got = parse("từ nay đến Tết phải nộp những gì", D(2022, 12, 12))
    assert got["period"] == {"from": "2022-12-12", "to": "2023-01-19"}
    assert parse("thnag sau có việc gì")["period"] == {"from": "2022-09-01", "to": "2022-09-30"}
    saturday = D(2022, 8, 13)
    assert parse("tuần tới có việc gì đến hạn", saturday)["period"] == {"from": "2022-08-15", "to": "2022-08-21"}


# -- derived from the plan -------------------------------------------------------------------------
def test_periodic_report_tasks_come_from_the_titles():
    titles = {3: "bao cao cchc dinh ky", 4: "bao cao chuyen de ve cchc", 9: "bao cao kiem soat tthc dinh ky"}
    assert periodic_report_tasks(titles) == {3, 9}
    assert bundled_understander().periodic_reports == {5, 7}  # of the bundled 2022 plan


def test_english_report_questions():
    assert parse("when is the Q3 report due")["report"] == "Q3"
    assert parse("annual report deadline?")["intent"] == "report_schedule"
