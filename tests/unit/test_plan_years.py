"""Which year's plan answers when no year is named, and until when last year's plan takes updates."""

from __future__ import annotations

import datetime as dt

from domain.plan_years import current_year, default_closing, writable


def test_the_current_plan_is_todays_year_else_the_latest():
    assert current_year([2022, 2023], dt.date(2022, 12, 20)) == 2022  # next year's plan imported ahead
    assert current_year([2022, 2023], dt.date(2023, 1, 2)) == 2023
    assert current_year([2022], dt.date(2026, 3, 1)) == 2022  # a demo of an old plan
    assert current_year([], dt.date(2026, 3, 1)) is None


def test_last_years_plan_takes_late_updates_until_its_closing_date():
    assert default_closing(2022) == dt.date(2023, 1, 31)
    assert writable(2022, dt.date(2023, 1, 31))
    assert not writable(2022, dt.date(2023, 2, 1))
    assert writable(2022, dt.date(2023, 2, 10), closes_on=dt.date(2023, 2, 15))
    assert writable(2023, dt.date(2022, 12, 30))  # a plan imported ahead of its year
