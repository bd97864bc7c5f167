"""Deadline phrases → milestones (docs/contracts.md §2): every distinct deadline cell of the seed, plus the
phrase shapes the parser promises beyond the seed, and re-basing with `--year`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.settings import DEFAULTS
from domain.deadlines import parse_deadline, parse_phrase
from domain.reporting import ReportingCalendar
from domain.text import nfc
from domain.units import UnitDirectory
from storage.importers import parse_plan_file
from tests.conftest import SEED

CALENDAR = ReportingCalendar.load(DEFAULTS / "reporting_calendar.yaml")
UNITS = UnitDirectory.load(DEFAULTS / "units.yaml")
PER_AUTHORITY = "Theo quy định của cơ quan có thẩm quyền"
D = dt.date.fromisoformat


def m(label, kind, due=None, text=None, **extra):
    """An expected milestone as a comparable tuple."""
    return (label, kind, D(due) if due else None, text or label, extra)


def shape(milestones) -> list[tuple]:
    out = []
    for x in milestones:
        extra = {
            k: getattr(x, k) for k in ("offset_days", "working_days", "trigger", "period") if getattr(x, k) is not None
        }
        out.append((x.label, x.kind, x.due, x.text, extra))
    return out


# Every distinct "Thời gian hoàn thành" cell of the seed (read off the document), for a task whose
# products are not a periodic report → its milestones in plan year 2022.
SEED_CELLS = {
    "- Ban hành Kế hoạch: Tháng 12/2021 - Thực hiện: Cả năm": [
        m("Ban hành Kế hoạch", "date", "2021-12-31", "Tháng 12/2021"),
        m("Thực hiện", "year_round", "2022-12-31", "Cả năm"),
    ],
    "- Ban hành Kế hoạch: Sau khi có Kế hoạch CCHC của Sở - Thực hiện: Cả năm": [
        m("Ban hành Kế hoạch", "after_event", None, "Sau khi có Kế hoạch CCHC của Sở", trigger="có Kế hoạch CCHC của Sở"),
        m("Thực hiện", "year_round", "2022-12-31", "Cả năm"),
    ],
    "- Ban hành Kế hoạch: Quý I - Thực hiện: Cả năm": [
        m("Ban hành Kế hoạch", "date", "2022-03-31", "Quý I"),
        m("Thực hiện", "year_round", "2022-12-31", "Cả năm"),
    ],
    "Quý I": [m("Quý I", "date", "2022-03-31")],
    "Quý III": [m("Quý III", "date", "2022-09-30")],
    "Trước Quý III": [m("Trước Quý III", "date", "2022-06-30")],
    "Cả năm": [m("Cả năm", "year_round", "2022-12-31")],
    "Trước 20/12 hàng năm.": [m("Trước 20/12 hàng năm", "annual", "2022-12-20")],
    PER_AUTHORITY: [m(PER_AUTHORITY, "per_authority")],
    "Theo thời hạn Kế hoạch rà soát của UBND tỉnh": [m("Theo thời hạn Kế hoạch rà soát của UBND tỉnh", "per_authority")],
    "Khi có văn bản yêu cầu của cơ quan có thẩm quyền": [
        m("Khi có văn bản yêu cầu của cơ quan có thẩm quyền", "on_request")
    ],
    "Chậm nhất sau 05 ngày làm việc kể từ ngày nhận được văn bản liên quan của UBND tỉnh": [
        m(
            "Chậm nhất sau 05 ngày làm việc kể từ ngày nhận được văn bản liên quan của UBND tỉnh", "relative",
            offset_days=5, working_days=True, trigger="ngày nhận được văn bản liên quan của UBND tỉnh",
        )
    ],
    "Sau 03 ngày làm việc kể từ khi nhận được Quyết định công bố": [
        m(
            "Sau 03 ngày làm việc kể từ khi nhận được Quyết định công bố", "relative",
            offset_days=3, working_days=True, trigger="khi nhận được Quyết định công bố",
        )
    ],
    "Trong thời hạn 15 ngày kể từ ngày văn bản hướng dẫn của Trung ương có hiệu lực": [
        m(
            "Trong thời hạn 15 ngày kể từ ngày văn bản hướng dẫn của Trung ương có hiệu lực", "relative",
            offset_days=15, working_days=False, trigger="ngày văn bản hướng dẫn của Trung ương có hiệu lực",
        )
    ],
    "Sau khi UBND tỉnh ban hành Quyết định công bố TTHC": [
        m(
            "Sau khi UBND tỉnh ban hành Quyết định công bố TTHC", "after_event",
            trigger="UBND tỉnh ban hành Quyết định công bố TTHC",
        )
    ],
    f"- Thực hiện: Cả năm - Báo cáo: {PER_AUTHORITY}": [
        m("Thực hiện", "year_round", "2022-12-31", "Cả năm"),
        m("Báo cáo", "per_authority", None, PER_AUTHORITY),
    ],
    f"- Kế hoạch: Quý I - Báo cáo: {PER_AUTHORITY}": [
        m("Kế hoạch", "date", "2022-03-31", "Quý I"),
        m("Báo cáo", "per_authority", None, PER_AUTHORITY),
    ],
    f"- Ban hành Kế hoạch: Quý I - Báo cáo: {PER_AUTHORITY}": [  # task 32, continued across a page
        m("Ban hành Kế hoạch", "date", "2022-03-31", "Quý I"),
        m("Báo cáo", "per_authority", None, PER_AUTHORITY),
    ],
    f"- Ban hành Kế hoạch: Quý I; - Báo cáo: {PER_AUTHORITY}": [
        m("Ban hành Kế hoạch", "date", "2022-03-31", "Quý I"),
        m("Báo cáo", "per_authority", None, PER_AUTHORITY),
    ],
    f"- Kế hoạch: Quý I; - Thực hiện: Cả năm - Báo cáo: {PER_AUTHORITY}": [
        m("Kế hoạch", "date", "2022-03-31", "Quý I"),
        m("Thực hiện", "year_round", "2022-12-31", "Cả năm"),
        m("Báo cáo", "per_authority", None, PER_AUTHORITY),
    ],
}


@pytest.fixture(scope="module")
def seed():
    return parse_plan_file(SEED, UNITS, CALENDAR)


def test_table_covers_every_deadline_cell_of_the_seed(seed):
    cells = {a.deadline_text for t in seed.tasks for a in t.assignments}
    assert cells == {nfc(c) for c in SEED_CELLS}


@pytest.mark.parametrize("cell", list(SEED_CELLS))
def test_deadline_cell(cell):
    assert shape(parse_deadline(cell, year=2022, products=["Kế hoạch"], calendar_=CALENDAR)) == SEED_CELLS[cell]


@pytest.mark.parametrize("cell", list(SEED_CELLS))
def test_seed_tasks_with_that_cell_got_those_milestones(seed, cell):
    """The same cells inside the plan (tasks 5 and 7 excepted: their products are periodic reports)."""
    found = [
        a for t in seed.tasks if t.number not in (5, 7) for a in t.assignments if a.deadline_text == nfc(cell)
    ]
    assert found
    for assignment in found:
        assert shape(assignment.milestones) == SEED_CELLS[cell]


def test_task_5_cchc_report_periods_from_the_reporting_calendar(seed):
    whole = seed.tasks[4].assignments[0]
    assert [(x.label, x.kind, x.period, x.report, x.due) for x in whole.milestones] == [
        ("Báo cáo Quý I", "periodic_report", "Q1", "cchc", D("2022-03-15")),
        ("Báo cáo 6 tháng", "periodic_report", "H1", "cchc", D("2022-06-15")),
        ("Báo cáo Quý III", "periodic_report", "Q3", "cchc", D("2022-09-15")),
        ("Báo cáo năm", "periodic_report", "Y", "cchc", D("2022-12-15")),
    ]
    assert {x.text for x in whole.milestones} == {PER_AUTHORITY}


def test_task_7_tthc_report_periods_from_the_reporting_calendar(seed):
    (only,) = seed.tasks[6].assignments
    assert [(x.label, x.period, x.report, x.due) for x in only.milestones] == [
        ("Báo cáo Quý I", "Q1", "kiem-soat-tthc", D("2022-03-18")),
        ("Báo cáo Quý II", "Q2", "kiem-soat-tthc", D("2022-06-18")),
        ("Báo cáo Quý III", "Q3", "kiem-soat-tthc", D("2022-09-18")),
        ("Báo cáo năm", "Y", "kiem-soat-tthc", D("2022-12-18")),
    ]


def test_report_dates_follow_an_edited_calendar(tmp_path: Path):
    """The dates are the calendar's, not constants: a department that edits the YAML gets its dates."""
    text = (DEFAULTS / "reporting_calendar.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "calendar.yaml"
    edited.write_text(text.replace('Q1: {due: "03-15"', 'Q1: {due: "03-10"'), encoding="utf-8")
    plan = parse_plan_file(SEED, UNITS, ReportingCalendar.load(edited))
    assert plan.tasks[4].assignments[0].milestones[0].due == D("2022-03-10")
    assert plan.tasks[6].assignments[0].milestones[0].due == D("2022-03-18")  # the TTHC report is unchanged


@pytest.mark.parametrize(
    ("phrase", "kind", "due"),
    [
        ("Quý II", "date", "2022-06-30"),
        ("Quý IV", "date", "2022-12-31"),
        ("quý 2", "date", "2022-06-30"),
        ("Trước Quý I", "date", "2021-12-31"),
        ("Trước Quý II", "date", "2022-03-31"),
        ("Trong Quý III năm 2023", "date", "2023-09-30"),
        ("Tháng 6", "date", "2022-06-30"),
        ("Trước tháng 2", "date", "2022-01-31"),  # the end of the month BEFORE it (issue: «trước tháng 6»)
        ("Tháng 12/2021", "date", "2021-12-31"),
        ("Trước 15/3", "date", "2022-03-15"),
        ("Trước ngày 30/6/2022", "date", "2022-06-30"),
        ("6 tháng đầu năm", "date", "2022-06-30"),
        ("Trước 20/12 hàng năm", "annual", "2022-12-20"),
        ("Thường xuyên", "year_round", "2022-12-31"),
        ("Cả năm 2022", "year_round", "2022-12-31"),
        ("Theo Kế hoạch của UBND tỉnh", "per_authority", None),
        ("Khi có yêu cầu", "on_request", None),
    ],
)
def test_phrase_shapes(phrase, kind, due):
    milestone = parse_phrase(phrase, 2022)
    assert (milestone.kind, milestone.due) == (kind, D(due) if due else None)


def test_relative_without_working_days_counts_calendar_days():
    milestone = parse_phrase("Trong vòng 10 ngày kể từ ngày ký", 2022)
    assert (milestone.kind, milestone.offset_days, milestone.working_days, milestone.trigger) == (
        "relative", 10, False, "ngày ký"
    )


@pytest.mark.parametrize("phrase", ["Sớm nhất có thể", "Quý V", "Khi nào xong", ""])
def test_unknown_phrases_import_as_a_milestone_that_needs_a_date(phrase):
    (only,) = parse_deadline(phrase, year=2022, products=[], calendar_=CALENDAR)
    assert (only.kind, only.due, only.text) == ("needs_date", None, phrase)


def test_year_2026_rebases_every_date():
    plan = parse_plan_file(SEED, UNITS, CALENDAR, year=2026)
    assert plan.year == 2026
    assert plan.title == "Kế hoạch Cải cách hành chính của Sở Công Thương năm 2026"
    due = {(t.number, i, j): x.due for t in plan.tasks for i, a in enumerate(t.assignments)
           for j, x in enumerate(a.milestones)}
    assert due[(3, 0, 0)] == D("2026-09-30")  # Quý III
    assert due[(1, 0, 0)] == D("2025-12-31")  # Tháng 12/2021: the December before the plan year
    assert due[(33, 0, 0)] == D("2026-06-30")  # Trước Quý III
    assert due[(37, 0, 0)] == D("2026-12-20")  # Trước 20/12 hàng năm
    assert due[(5, 0, 0)] == D("2026-03-15")  # Báo cáo CCHC Quý I, from the calendar
    assert due[(7, 0, 3)] == D("2026-12-18")
    assert due[(18, 0, 0)] is None  # relative: no date until its trigger is recorded
    dated = [d for d in due.values() if d is not None]
    assert {d.year for d in dated} == {2025, 2026}
    assert [d for d in dated if d.year == 2025] == [D("2025-12-31")]


def test_rebase_keeps_every_day_and_month():
    base = parse_plan_file(SEED, UNITS, CALENDAR)
    moved = parse_plan_file(SEED, UNITS, CALENDAR, year=2026)
    pairs = [
        (x.due, y.due)
        for t, u in zip(base.tasks, moved.tasks, strict=True)
        for a, b in zip(t.assignments, u.assignments, strict=True)
        for x, y in zip(a.milestones, b.milestones, strict=True)
    ]
    assert all((x is None) == (y is None) for x, y in pairs)
    assert all((y.year - x.year, y.month, y.day) == (4, x.month, x.day) for x, y in pairs if x)
