"""The NLU as the bot builds it for the bundled plan (units, plan, working calendar), shared by tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.settings import DEFAULTS
from conversation.nlu import Understander
from conversation.task_index import task_index_from_parsed
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from domain.workdays import WorkingCalendar
from storage.importers import parse_plan_file

DATA = Path(__file__).parent / "data"
DEV_FAMILIES = DATA / "nlu_families_dev.yaml"
SHARED_DEV = DATA / "nlu_dev.jsonl"


@lru_cache(maxsize=1)
def bundled_understander() -> Understander:
    units = UnitDirectory.load(DEFAULTS / "units.yaml")
    reporting = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
    index = task_index_from_parsed(parse_plan_file(DEFAULTS / "ke-hoach-cchc-2022.txt", units, reporting))
    workdays = WorkingCalendar.load(DEFAULTS / "calendar_overrides.yaml")
    return Understander(units, index, workdays=workdays)
