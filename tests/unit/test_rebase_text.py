"""`--year N` moves the plan's years in its words as well as in its dates, and leaves legal history alone."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULTS
from domain.plan import shift_years_in_text
from domain.reporting import ReportingCalendar
from domain.units import UnitDirectory
from storage.importers import parse_plan_file

YEARS = range(2021, 2024)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kế hoạch CCHC năm 2022 của Sở Công Thương", "Kế hoạch CCHC năm 2026 của Sở Công Thương"),
        ("Tháng 12/2021", "Tháng 12/2025"),
        ("Báo cáo CCHC Quý I, 6 tháng, Quý III, báo cáo năm 2022", "Báo cáo CCHC Quý I, 6 tháng, Quý III, báo cáo năm 2026"),
        ("Nghị định số 60/2021/NĐ-CP", "Nghị định số 60/2021/NĐ-CP"),
        ("Quyết định ngày 14 tháng 9 năm 2021 của UBND tỉnh", "Quyết định ngày 14 tháng 9 năm 2021 của UBND tỉnh"),
        ("giai đoạn 2020 - 2025", "giai đoạn 2020 - 2025"),
    ],
)
def test_years_in_words(text, expected):
    assert shift_years_in_text(text, 4, YEARS) == expected


def test_rebased_seed_speaks_of_one_year():
    units = UnitDirectory.load(DEFAULTS / "units.yaml")
    calendar = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
    plan = parse_plan_file(DEFAULTS / "ke-hoach-cchc-2022.txt", units, calendar, year=2026)
    task1 = plan.tasks[0]
    assert task1.title == "Ban hành và triển khai thực hiện Kế hoạch về công tác CCHC năm 2026"
    assert task1.assignments[0].products == ["Kế hoạch CCHC năm 2026 của Sở Công Thương"]
    first = task1.assignments[0].milestones[0]
    assert (first.text, str(first.due)) == ("Tháng 12/2025", "2025-12-31")
    words = " ".join(t.title + " ".join(a.products) for t in plan.tasks for a in t.assignments)
    assert "2022" not in words and "2021" not in words
