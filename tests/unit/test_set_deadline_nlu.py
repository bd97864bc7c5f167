"""«nv 3 hạn 30/06» is a coordinator dating a milestone; questions about a deadline and trigger dates
stay what they were."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.settings import DEFAULTS
from conversation.nlu.intents import Understander
from conversation.task_index import task_index_from_parsed
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from storage.importers import parse_plan_file

UNITS = UnitDirectory.load(DEFAULTS / "units.yaml")
TODAY = dt.date(2022, 5, 1)


@pytest.fixture(scope="module")
def nlu():
    calendar = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
    plan = parse_plan_file(DEFAULTS / "ke-hoach-cchc-2022.txt", UNITS, calendar)
    return Understander(UNITS, task_index_from_parsed(plan))


@pytest.mark.parametrize(
    ("text", "task", "due"),
    [
        ("nv 3 hạn 30/06", 3, "2022-06-30"),
        ("nv 3 han 30/6", 3, "2022-06-30"),
        ("nhiệm vụ 12 hạn ngày 15/7", 12, "2022-07-15"),
        ("đặt hạn nhiệm vụ 3 là 30/6/2022", 3, "2022-06-30"),
    ],
)
def test_set_deadline(nlu, text, task, due):
    result = nlu.parse(text, TODAY)
    assert (result.intent, result.task, result.due_date) == ("set_deadline", task, dt.date.fromisoformat(due))


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("nhiệm vụ 3 hạn khi nào?", "task_info"),
        ("nv 18: đã nhận văn bản UBND ngày 10/5", "record_trigger"),
        ("mốc cần xác định thời hạn", "needs_date"),
        ("việc nào chưa có hạn", "needs_date"),
        ("/canhan", "needs_date"),
        ("nv 17 đang làm 60%", "update_status"),
    ],
)
def test_other_messages_keep_their_intent(nlu, text, intent):
    assert nlu.parse(text, TODAY).intent == intent
