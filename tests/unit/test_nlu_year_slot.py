"""The NLU's `year` slot: the plan year a message names, read from the period phrase that owns its span
(«năm 2022», «năm ngoái», «kế hoạch năm trước», «tháng 6/2022»); «năm nay» and messages without a year
leave it empty so that the current plan answers, and the rest of the message reads as before."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.settings import DEFAULTS
from conversation.nlu import Understander
from domain.units import UnitDirectory

JANUARY = dt.date(2023, 1, 10)


@pytest.fixture(scope="module")
def nlu() -> Understander:
    return Understander(UnitDirectory.load(DEFAULTS / "units.yaml"), None)


@pytest.mark.parametrize(
    ("text", "intent", "task", "year"),
    [
        ("nv 5 năm 2022 xong", "update_status", 5, 2022),
        ("năm 2022 nhiệm vụ 3 đã xong chưa", "task_info", 3, 2022),
        ("nv 3 năm ngoái là gì", "task_info", 3, 2022),
        ("kế hoạch năm trước nhiệm vụ 1 là gì", "task_info", 1, 2022),
        ("nv 3 năm nay là gì", "task_info", 3, None),
        ("nv 3 là gì", "task_info", 3, None),
        ("nv 17 đạt 60%", "update_status", 17, None),
    ],
)
def test_the_year_slot(nlu: Understander, text: str, intent: str, task: int, year: int | None) -> None:
    result = nlu.parse(text, JANUARY)
    assert (result.intent, result.task, result.year) == (intent, task, year), result


def test_a_period_across_years_names_no_plan_year(nlu: Understander) -> None:
    assert nlu.parse("việc từ 01/12/2022 đến 15/01/2023", JANUARY).year is None
    assert nlu.parse("tháng 6/2022 có việc gì", JANUARY).year == 2022


def test_the_year_is_not_a_percent_or_a_task_number(nlu: Understander) -> None:
    result = nlu.parse("nv 5 năm 2022 đạt 80%", JANUARY)
    assert (result.task, result.percent, result.year) == (5, 80, 2022), result
