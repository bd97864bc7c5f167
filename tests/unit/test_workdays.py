"""Vietnamese working days (`domain/workdays.py`): holidays, official swaps, BLDS 2015 counting."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.settings import DEFAULTS
from domain.workdays import WorkingCalendar

D = dt.date.fromisoformat
SHIPPED = WorkingCalendar.load(DEFAULTS / "calendar_overrides.yaml")
PACKAGE_ONLY = WorkingCalendar()


def test_five_working_days_from_new_years_eve_2025():
    # 01/01 holiday, 02/01 official day off (swapped with Saturday 10/01), 03–04/01 weekend:
    # day 1 = Mon 05/01 ... day 5 = Fri 09/01.
    assert SHIPPED.add_working_days(D("2025-12-31"), 5) == D("2026-01-09")


def test_the_overrides_file_is_what_moves_that_deadline():
    assert PACKAGE_ONLY.add_working_days(D("2025-12-31"), 5) == D("2026-01-08")


def test_start_day_is_not_counted():
    # BLDS 2015 Điều 147: the day of the event is not counted, day 1 is the next working day.
    assert SHIPPED.add_working_days(D("2022-03-07"), 1) == D("2022-03-08")  # Monday → Tuesday
    assert SHIPPED.add_working_days(D("2022-03-04"), 1) == D("2022-03-07")  # Friday → Monday
    assert SHIPPED.add_working_days(D("2022-03-05"), 0) == D("2022-03-05")


def test_tet_2022_is_not_working():
    for day in ("2022-01-31", "2022-02-01", "2022-02-02", "2022-02-03", "2022-02-04"):
        assert not SHIPPED.is_working_day(D(day)), day
    assert SHIPPED.add_working_days(D("2022-01-28"), 1) == D("2022-02-07")
    assert SHIPPED.add_working_days(D("2022-01-28"), 5) == D("2022-02-11")
    assert SHIPPED.working_days_between(D("2022-01-28"), D("2022-02-07")) == 1


def test_swapped_saturday_from_the_overrides_is_a_working_day():
    assert D("2026-01-10").weekday() == 5
    assert SHIPPED.is_working_day(D("2026-01-10"))
    assert not PACKAGE_ONLY.is_working_day(D("2026-01-10"))
    assert SHIPPED.add_working_days(D("2026-01-09"), 1) == D("2026-01-10")
    assert not SHIPPED.is_working_day(D("2026-01-02"))
    assert SHIPPED.holiday_name(D("2026-01-02")).startswith("Nghỉ Tết Dương lịch")


def test_swapped_saturday_known_to_the_holidays_package():
    # 2025: Saturday 26/04 worked in exchange for Friday 02/05 off.
    assert D("2025-04-26").weekday() == 5
    assert SHIPPED.is_working_day(D("2025-04-26"))
    assert not SHIPPED.is_working_day(D("2025-05-02"))
    assert SHIPPED.add_working_days(D("2025-04-25"), 1) == D("2025-04-26")
    # 29/04 (Tue) → 30/04, 01/05, 02/05 off, weekend → Mon 05/05
    assert SHIPPED.add_working_days(D("2025-04-29"), 1) == D("2025-05-05")


def test_next_and_previous_working_day():
    assert SHIPPED.next_working_day(D("2022-01-29")) == D("2022-02-07")
    assert SHIPPED.previous_working_day(D("2022-02-06")) == D("2022-01-28")
    assert SHIPPED.next_working_day(D("2022-03-07")) == D("2022-03-07")
    assert SHIPPED.next_working_day(D("2022-03-07"), include=False) == D("2022-03-08")


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        SHIPPED.add_working_days(D("2022-03-07"), -1)


days = st.dates(min_value=D("2020-01-01"), max_value=D("2030-12-31"))
counts = st.integers(min_value=1, max_value=60)


@settings(max_examples=300, deadline=None)
@given(start=days, n=counts)
def test_adding_working_days_lands_on_a_working_day(start, n):
    assert SHIPPED.is_working_day(SHIPPED.add_working_days(start, n))


@settings(max_examples=300, deadline=None)
@given(start=days, n=counts)
def test_adding_is_strictly_monotonic_in_n(start, n):
    assert SHIPPED.add_working_days(start, n) < SHIPPED.add_working_days(start, n + 1)


@settings(max_examples=300, deadline=None)
@given(start=days, n=counts)
def test_subtract_inverts_add_on_working_days(start, n):
    start = SHIPPED.next_working_day(start)
    end = SHIPPED.add_working_days(start, n)
    assert SHIPPED.subtract_working_days(end, n) == start
    assert SHIPPED.working_days_between(start, end) == n
