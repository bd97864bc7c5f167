"""Period and date resolution (docs/contracts.md §3) tested on the resolver itself, with fixed `today`s chosen to
cross months, years, leap days and week boundaries (weeks start on Monday, ranges are inclusive)."""

from __future__ import annotations

import datetime as dt

import pytest

from conversation.nlu.normalize import fold_canonical
from conversation.nlu.periods import find_dates, find_period, find_report_period

D = dt.date


def period(text: str, today: dt.date) -> tuple[str, str] | None:
    found = find_period(fold_canonical(text), today, text)
    return (found[0].start.isoformat(), found[0].end.isoformat()) if found else None


@pytest.mark.parametrize(
    ("text", "today", "want"),
    [
        ("quý này", D(2022, 8, 15), ("2022-07-01", "2022-09-30")),
        ("quý hiện tại", D(2022, 2, 1), ("2022-01-01", "2022-03-31")),
        ("quý sau", D(2022, 11, 30), ("2023-01-01", "2023-03-31")),
        ("quý tới", D(2022, 3, 31), ("2022-04-01", "2022-06-30")),
        ("quý trước", D(2022, 1, 1), ("2021-10-01", "2021-12-31")),
        ("quý 1", D(2022, 8, 15), ("2022-01-01", "2022-03-31")),
        ("quý I", D(2022, 8, 15), ("2022-01-01", "2022-03-31")),
        ("Q1", D(2022, 8, 15), ("2022-01-01", "2022-03-31")),
        ("q.4", D(2022, 8, 15), ("2022-10-01", "2022-12-31")),
        ("quý IV năm 2023", D(2022, 8, 15), ("2023-10-01", "2023-12-31")),
        ("quý 2 năm sau", D(2022, 8, 15), ("2023-04-01", "2023-06-30")),
        ("quý ba", D(2022, 8, 15), ("2022-07-01", "2022-09-30")),
        ("tháng này", D(2022, 2, 10), ("2022-02-01", "2022-02-28")),
        ("tháng này", D(2024, 2, 10), ("2024-02-01", "2024-02-29")),
        ("tháng sau", D(2022, 12, 31), ("2023-01-01", "2023-01-31")),
        ("tháng tới", D(2022, 1, 31), ("2022-02-01", "2022-02-28")),
        ("tháng trước", D(2022, 1, 5), ("2021-12-01", "2021-12-31")),
        ("tháng 10", D(2022, 8, 15), ("2022-10-01", "2022-10-31")),
        ("tháng 2", D(2022, 8, 15), ("2022-02-01", "2022-02-28")),
        ("T10", D(2022, 8, 15), ("2022-10-01", "2022-10-31")),
        ("tháng 1/2023", D(2022, 8, 15), ("2023-01-01", "2023-01-31")),
        ("tháng sáu", D(2022, 8, 15), ("2022-06-01", "2022-06-30")),  # June in words, not "next month"
        ("tháng giêng", D(2022, 8, 15), ("2022-01-01", "2022-01-31")),
        ("tuần này", D(2022, 8, 15), ("2022-08-15", "2022-08-21")),  # Monday
        ("tuần này", D(2022, 8, 21), ("2022-08-15", "2022-08-21")),  # Sunday
        ("tuần sau", D(2022, 8, 29), ("2022-09-05", "2022-09-11")),  # across months
        ("tuần tới", D(2022, 12, 28), ("2023-01-02", "2023-01-08")),  # across years
        ("tuần trước", D(2022, 1, 3), ("2021-12-27", "2022-01-02")),
        ("năm nay", D(2022, 8, 15), ("2022-01-01", "2022-12-31")),
        ("năm sau", D(2022, 8, 15), ("2023-01-01", "2023-12-31")),
        ("năm 2021", D(2022, 8, 15), ("2021-01-01", "2021-12-31")),
        ("6 tháng đầu năm", D(2022, 8, 15), ("2022-01-01", "2022-06-30")),
        ("6 tháng cuối năm", D(2022, 8, 15), ("2022-07-01", "2022-12-31")),
        ("sáu tháng đầu năm 2023", D(2022, 8, 15), ("2023-01-01", "2023-06-30")),
        ("nửa cuối năm", D(2022, 8, 15), ("2022-07-01", "2022-12-31")),
        ("9 tháng đầu năm", D(2022, 8, 15), ("2022-01-01", "2022-09-30")),
        ("hôm nay", D(2022, 8, 15), ("2022-08-15", "2022-08-15")),
        ("ngày mai", D(2022, 12, 31), ("2023-01-01", "2023-01-01")),
        ("hôm qua", D(2022, 1, 1), ("2021-12-31", "2021-12-31")),
        ("7 ngày tới", D(2022, 8, 15), ("2022-08-15", "2022-08-22")),
        ("3 ngày nữa", D(2022, 12, 30), ("2022-12-30", "2023-01-02")),
        ("mười ngày tới", D(2022, 8, 15), ("2022-08-15", "2022-08-25")),
        ("trong vòng 5 ngày", D(2022, 8, 15), ("2022-08-15", "2022-08-20")),
        ("2 tuần tới", D(2022, 8, 15), ("2022-08-15", "2022-08-29")),
        ("1 tháng tới", D(2022, 1, 31), ("2022-01-31", "2022-02-28")),  # day clamped to the month
        ("sắp đến hạn", D(2022, 8, 15), ("2022-08-15", "2022-08-29")),
        ("sắp tới", D(2022, 12, 25), ("2022-12-25", "2023-01-08")),
        ("sap het han", D(2022, 8, 15), ("2022-08-15", "2022-08-29")),
        ("từ 1/9 đến 30/9", D(2022, 8, 15), ("2022-09-01", "2022-09-30")),
        ("trước ngày 30/9", D(2022, 8, 15), ("2022-08-15", "2022-09-30")),
        ("ngày 15/9", D(2022, 8, 15), ("2022-09-15", "2022-09-15")),
        ("đến cuối tháng", D(2022, 8, 15), ("2022-08-15", "2022-08-31")),
        ("cuối năm", D(2022, 8, 15), ("2022-10-01", "2022-12-31")),
    ],
)
def test_periods(text, today, want):
    assert period(text, today) == want


@pytest.mark.parametrize(
    "text",
    ["báo cáo 6 tháng", "quý 5", "tháng 13", "ngày 31/2", "nhiệm vụ 17", "phòng thương mại", "quy định", "quy chế"],
)
def test_no_period(text):
    assert period(text, D(2022, 8, 15)) is None


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("báo cáo quý 1", "Q1"), ("bc q2", "Q2"), ("báo cáo 6 tháng", "H1"), ("báo cáo sơ kết", "H1"),
        ("báo cáo quý III", "Q3"), ("báo cáo 9 tháng", "Q3"), ("báo cáo năm", "Y"), ("báo cáo quý 4", "Y"),
        ("báo cáo tổng kết", "Y"), ("báo cáo quý này", "Q3"), ("báo cáo quý sau", "Y"),
        ("lịch báo cáo trong năm", None), ("báo cáo định kỳ", None),
    ],
)
def test_report_periods(text, want):
    assert find_report_period(fold_canonical(text), D(2022, 8, 15)) == want


def test_dates_use_day_month_order_and_todays_year():
    text = fold_canonical("đã nhận văn bản ngày 10/5, bản sao 3.6.2021 và ngày 7 tháng 8")
    assert [d for d, _ in find_dates(text, D(2022, 8, 15))] == [D(2022, 5, 10), D(2021, 6, 3), D(2022, 8, 7)]
    assert find_dates(fold_canonical("ngày 31/2"), D(2022, 8, 15)) == []
