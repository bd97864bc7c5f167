"""Pure rules of issue 13: a target's goal and direction from the plan's words, judging a figure, the
report periods' windows and cut-offs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.settings import DEFAULTS
from domain.report_period import UnknownPeriod, current_period, normalise_period, report_period
from domain.reporting import ReportingCalendar
from domain.targets import GE, GT, LE, LT, achieved, fmt_value, parse_goal, section_targets, split_measures


@pytest.mark.parametrize(
    ("text", "goal", "direction"),
    [
        ("Thực hiện kiểm tra công tác cải cách hành chính ít nhất 60% đối với tất cả các phòng", 60, GE),
        ("100% hồ sơ TTHC được giải quyết đúng và sớm hạn.", 100, GE),
        ("mức độ hài lòng của người dân đạt tối thiểu 85%.", 85, GE),
        ("Tỷ lệ hồ sơ giải quyết trực tuyến trên tổng số hồ sơ đạt trên 30%.", 30, GT),
        ("tỷ lệ giao dịch thanh toán trực tuyến đạt từ 30% trở lên.", 30, GE),
        ("Tỷ lệ hồ sơ trễ hạn tối đa 5%", 5, LE),
        ("Tỷ lệ hồ sơ bị trả lại dưới 2,5%", 2.5, LT),
        ("Rà soát, đề xuất cắt giảm thời gian giải quyết TTHC", None, None),
    ],
)
def test_goal_and_direction(text, goal, direction):
    assert parse_goal(text) == (goal, direction)


def test_a_bullet_with_two_measures_gives_two_targets():
    bullet = ("Tối thiểu 80% TTHC có yêu cầu nghĩa vụ tài chính được triển khai thanh toán trực tuyến; trong đó, "
              "tỷ lệ giao dịch thanh toán trực tuyến đạt từ 30% trở lên.")
    assert len(split_measures(bullet)) == 2
    one = "Cơ quan Văn phòng Sở thực hiện đúng quy định. 100% cơ quan, đơn vị ban hành Quy chế chi tiêu nội bộ."
    assert split_measures(one) == [one]  # only one measure: the sentence before it is context
    targets = section_targets(3, [bullet, "100% hồ sơ TTHC được giải quyết đúng hạn."])
    assert [(t.code, t.goal) for t in targets] == [("3.1", 80), ("3.2", 30), ("3.3", 100)]
    # each keeps the plan's full wording of its measure: «trong đó» with the sentence it qualifies
    assert targets[0].text == ("Tối thiểu 80% TTHC có yêu cầu nghĩa vụ tài chính được triển khai thanh toán trực "
                               "tuyến")
    assert targets[1].text == bullet and targets[1].short_name == "Tỷ lệ giao dịch thanh toán trực tuyến"


@given(st.floats(0, 100), st.floats(0, 100))
def test_achieved_follows_the_direction(goal, value):
    assert achieved(goal, GE, value) == (value >= goal)
    assert achieved(goal, GT, value) == (value > goal)
    assert achieved(goal, LE, value) == (value <= goal)
    assert achieved(goal, LT, value) == (value < goal)
    assert achieved(None, GE, value) is None and achieved(goal, GE, None) is None


def test_figures_are_written_the_vietnamese_way():
    assert [fmt_value(v) for v in (97, 41.5, 57.0, 100, 0.25)] == ["97%", "41,5%", "57%", "100%", "0,2%"]


def test_report_periods_follow_the_reporting_calendar():
    calendar = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
    q3 = report_period(calendar, "q3", 2022)
    assert (q3.start, q3.cutoff, q3.due) == (dt.date(2022, 6, 15), dt.date(2022, 9, 14), dt.date(2022, 9, 15))
    assert (q3.next_start, q3.next_end) == (dt.date(2022, 10, 1), dt.date(2022, 12, 31))
    year = report_period(calendar, "Y", 2022)
    assert (year.start, year.cutoff) == (dt.date(2021, 12, 15), dt.date(2022, 12, 14))
    assert (year.next_start, year.next_end) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    q2 = report_period(calendar, "Q2", 2022)  # no CCHC cut-off for Q2: the quarter's end
    assert (q2.start, q2.cutoff) == (dt.date(2022, 3, 15), dt.date(2022, 6, 30))
    assert normalise_period("q4") == normalise_period("Y") == "Y"  # no Q4 report: the annual one covers it
    with pytest.raises(UnknownPeriod):
        normalise_period("Q5")
    assert [current_period(dt.date(2022, m, 1)) for m in (1, 5, 8, 11)] == ["Q1", "H1", "Q3", "Y"]
