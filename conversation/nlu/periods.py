"""Periods and dates named in a message, resolved against the bot's today (docs/contracts.md §3).

Weeks start on Monday and every range is inclusive. Rules run in a fixed order — the more specific
phrase first ("6 tháng cuối năm" before "năm", "quý 3 năm sau" before "năm sau") — and the first rule
that matches wins, because one question names one period. The matched spans are also reported so that
the numbers inside them ("quý 3", "7 ngày tới", "10/5") are never mistaken for task numbers.

All patterns run on the canonical folded text produced by `normalize` (no diacritics, "q3" → "quy 3").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Protocol

from conversation.nlu.result import Period

Span = tuple[int, int]

NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10, "muoi mot": 11, "muoi hai": 12,
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
QUARTER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "dau": 1, "cuoi": 4}
# "tháng sau" is next month and "tháng năm" is rare: those two words are not month numbers here.
MONTH_WORDS = {
    "gieng": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    "muoi mot": 11, "muoi hai": 12, "chap": 12,
}

_NEXT = r"(?:sau|toi|ke tiep|ke|tiep theo|tiep)"
_PREV = r"(?:truoc|vua qua|qua|roi)"
_THIS = r"(?:nay|hien tai|nay nhe|nay a)"
_YEAR_SUFFIX = r"(?:\s*/\s*(?P<y4>\d{4})|\s+nam\s+(?P<yw>nay|sau|toi|truoc|ngoai|\d{4}))?"
# "năm" closing a phrase ("6 tháng đầu năm") unless it starts the year suffix ("... năm 2023")
_NAM = r"(?: nam(?!\s+(?:nay|sau|toi|truoc|ngoai|\d{4})\b))?"
_COUNT = r"(?P<n>\d{1,3}|muoi mot|muoi hai|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)"


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_range(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    last = first + 2
    return Period(dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1]))


def month_range(year: int, month: int) -> Period:
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def year_range(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def shift_quarter(year: int, quarter: int, by: int) -> tuple[int, int]:
    index = year * 4 + (quarter - 1) + by
    return index // 4, index % 4 + 1


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = shift_month(day.year, day.month, months)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _year(match: re.Match[str], today: dt.date) -> int | None:
    groups = match.groupdict()
    if groups.get("y4"):
        return int(groups["y4"])
    word = groups.get("yw")
    if not word or word == "nay":
        return today.year
    if word in ("sau", "toi"):
        return today.year + 1
    if word in ("truoc", "ngoai"):
        return today.year - 1
    return int(word)


def _week(today: dt.date, by: int) -> Period:
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=by)
    return Period(monday, monday + dt.timedelta(days=6))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str | None, today: dt.date) -> int:
    if not text:
        return today.year
    value = int(text)
    return value + 2000 if value < 100 else value


# -- explicit dates ----------------------------------------------------------------------------------
_DATE_PATTERNS = (
    re.compile(r"\b(?:ngay\s+)?(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b"),
    re.compile(r"\bngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})(?:\s+nam\s+(?P<y>\d{4}))?\b"),
)
_RELATIVE_DAYS = (
    (re.compile(r"\bhom nay\b|\bbay gio\b"), 0),
    (re.compile(r"\bhom qua\b"), -1),
    (re.compile(r"\bhom kia\b"), -2),
    (re.compile(r"\bngay mai\b|(?:^|(?<=\bhan )|(?<=\bden )|(?<=\bvao ))mai\b"), 1),
    (re.compile(r"\bngay kia\b|\bngay mot\b"), 2),
)


def find_dates(text: str, today: dt.date) -> list[tuple[dt.date, Span]]:
    """Every explicit calendar date (d/m, d/m/y, "ngày 10 tháng 5") and relative day, in text order.

    Day-month order is Vietnamese (10/5 is the 10th of May); a missing year is today's year.
    """
    found: list[tuple[dt.date, Span]] = []
    taken: list[Span] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            day = _safe_date(_full_year(m.group("y"), today), int(m.group("m")), int(m.group("d")))
            if day:
                found.append((day, m.span()))
                taken.append(m.span())
    for pattern, offset in _RELATIVE_DAYS:
        for m in pattern.finditer(text):
            found.append((today + dt.timedelta(days=offset), m.span()))
    found.sort(key=lambda item: item[1][0])
    return found


def impossible_dates(text: str, today: dt.date) -> list[str]:
    """Dates written in a date's shape that no calendar has («31/2», «30/02/2023»), as written (folded)."""
    return [
        m.group(0).strip()
        for pattern in _DATE_PATTERNS
        for m in pattern.finditer(text)
        if _safe_date(_full_year(m.group("y"), today), int(m.group("m")), int(m.group("d"))) is None
    ]


# -- periods -----------------------------------------------------------------------------------------
Rule = tuple[re.Pattern[str], Callable[[re.Match[str], dt.date], Period | None]]


def _range_dates(m: re.Match[str], today: dt.date) -> Period | None:
    a = _safe_date(_full_year(m.group("y1"), today), int(m.group("m1")), int(m.group("d1")))
    b = _safe_date(_full_year(m.group("y2"), today), int(m.group("m2")), int(m.group("d2")))
    if not a or not b:
        return None
    return Period(min(a, b), max(a, b))


def _until_date(m: re.Match[str], today: dt.date) -> Period | None:
    day = _safe_date(_full_year(m.group("y"), today), int(m.group("m")), int(m.group("d")))
    if not day:
        return None
    return Period(min(today, day), max(today, day))


def _half(first: bool) -> Callable[[re.Match[str], dt.date], Period]:
    def resolve(m: re.Match[str], today: dt.date) -> Period:
        year = _year(m, today) or today.year
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30)) if first else Period(
            dt.date(year, 7, 1), dt.date(year, 12, 31)
        )

    return resolve


def _months_of_year(m: re.Match[str], today: dt.date) -> Period | None:
    n = _count(m.group("n"))
    if n is None or not 1 <= n <= 12:
        return None
    year = _year(m, today) or today.year
    if m.group("side") == "dau":
        return Period(dt.date(year, 1, 1), month_range(year, n).end)
    return Period(dt.date(year, 13 - n, 1), dt.date(year, 12, 31))


def _next_n(m: re.Match[str], today: dt.date) -> Period | None:
    n = _count(m.group("n"))
    if n is None or n <= 0 or n > 366:
        return None
    unit = m.group("u")
    if unit == "ngay":
        end = today + dt.timedelta(days=n)
    elif unit == "tuan":
        end = today + dt.timedelta(weeks=n)
    else:
        end = add_months(today, n)
    return Period(today, end)


def _quarter_relative(by: int) -> Callable[[re.Match[str], dt.date], Period]:
    def resolve(m: re.Match[str], today: dt.date) -> Period:
        year, quarter = shift_quarter(today.year, quarter_of(today), by)
        return quarter_range(year, quarter)

    return resolve


def _quarter_named(m: re.Match[str], today: dt.date) -> Period | None:
    word = m.group("q")
    quarter = int(word) if word.isdigit() else ROMAN.get(word) or QUARTER_WORDS.get(word)
    if not quarter or not 1 <= quarter <= 4:
        return None
    return quarter_range(_year(m, today) or today.year, quarter)


def _month_relative(by: int) -> Callable[[re.Match[str], dt.date], Period]:
    def resolve(m: re.Match[str], today: dt.date) -> Period:
        year, month = shift_month(today.year, today.month, by)
        return month_range(year, month)

    return resolve


def _month_named(m: re.Match[str], today: dt.date) -> Period | None:
    word = m.group("mo")
    month = int(word) if word.isdigit() else MONTH_WORDS.get(word)
    if not month or not 1 <= month <= 12:
        return None
    return month_range(_year(m, today) or today.year, month)


def _month_slash_year(m: re.Match[str], today: dt.date) -> Period | None:
    month = int(m.group("mo"))
    return month_range(int(m.group("y4")), month) if 1 <= month <= 12 else None


def _year_relative(by: int) -> Callable[[re.Match[str], dt.date], Period]:
    return lambda m, today: year_range(today.year + by)


def _year_named(m: re.Match[str], today: dt.date) -> Period:
    return year_range(int(m.group("y")))


def _days(offset: int) -> Callable[[re.Match[str], dt.date], Period]:
    def resolve(m: re.Match[str], today: dt.date) -> Period:
        day = today + dt.timedelta(days=offset)
        return Period(day, day)

    return resolve


def _single_date(m: re.Match[str], today: dt.date) -> Period | None:
    day = _safe_date(_full_year(m.group("y"), today), int(m.group("m")), int(m.group("d")))
    return Period(day, day) if day else None


def _until_end(m: re.Match[str], today: dt.date) -> Period:
    what = m.group("what")
    if what == "thang":
        end = month_range(today.year, today.month).end
    elif what == "quy":
        end = quarter_range(today.year, quarter_of(today)).end
    elif what == "tuan":
        end = _week(today, 0).end
    else:
        end = dt.date(today.year, 12, 31)
    return Period(today, end)


_D = r"(?P<d{i}>\d{{1,2}})/(?P<m{i}>\d{{1,2}})(?:/(?P<y{i}>\d{{4}}|\d{{2}}))?"
_SOON_DAYS = 14

RULES: tuple[Rule, ...] = (
    (re.compile(rf"\btu\s+(?:ngay\s+)?{_D.format(i=1)}\s+(?:den|toi|-)\s+(?:ngay\s+)?{_D.format(i=2)}"), _range_dates),
    (re.compile(r"\b(?:truoc|den|toi|han chot|cham nhat)\s+(?:het\s+)?(?:ngay\s+)?(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?"), _until_date),
    (re.compile(rf"\bnua dau{_NAM}{_YEAR_SUFFIX}"), _half(True)),
    (re.compile(rf"\bnua cuoi{_NAM}{_YEAR_SUFFIX}"), _half(False)),
    # "6 tháng đầu năm" → 01-01..06-30, "6 tháng cuối năm" → 07-01..12-31, likewise 3 or 9 months
    (re.compile(rf"\b{_COUNT}\s+thang\s+(?P<side>dau|cuoi){_NAM}{_YEAR_SUFFIX}"), _months_of_year),
    (re.compile(rf"\b{_COUNT}\s+(?P<u>ngay|tuan|thang)\s+(?:toi|nua|sap toi|ke tiep|tiep theo|sap den|sau)\b"), _next_n),
    (re.compile(rf"\btrong(?:\s+vong)?\s+{_COUNT}\s+(?P<u>ngay|tuan|thang)\b"), _next_n),
    (re.compile(rf"\bquy\s+{_THIS}\b"), _quarter_relative(0)),
    (re.compile(rf"\bquy\s+{_NEXT}\b"), _quarter_relative(1)),
    (re.compile(rf"\bquy\s+{_PREV}\b"), _quarter_relative(-1)),
    (re.compile(rf"\bquy\s+(?P<q>[1-4]|iv|iii|ii|i|mot|hai|ba|bon|tu)\b{_YEAR_SUFFIX}"), _quarter_named),
    (re.compile(r"\b(?:den|toi|tu nay den|tu gio den|truoc)\s+(?:het|cuoi)\s+(?P<what>thang|quy|nam|tuan)\b"), _until_end),
    # "cuối năm" alone: the work due at the end of the year, i.e. its last quarter
    (re.compile(r"\bcuoi nam(?: nay)?\b"), lambda m, today: quarter_range(today.year, 4)),
    (re.compile(r"\bcuoi (?P<what>thang|quy)(?: nay)?\b"), _until_end),
    (re.compile(rf"\bthang\s+{_THIS}\b"), _month_relative(0)),
    (re.compile(rf"\bthang\s+{_NEXT}\b"), _month_relative(1)),
    (re.compile(rf"\bthang\s+{_PREV}\b"), _month_relative(-1)),
    (re.compile(rf"\bthang\s+(?P<mo>1[0-2]|0?[1-9]|muoi mot|muoi hai|gieng|chap|mot|hai|ba|tu|bay|tam|chin|muoi)\b{_YEAR_SUFFIX}"), _month_named),
    (re.compile(r"(?<!/)\b(?P<mo>1[0-2]|0?[1-9])/(?P<y4>\d{4})\b"), _month_slash_year),
    (re.compile(rf"\btuan\s+{_THIS}\b|\btrong tuan\b"), lambda m, today: _week(today, 0)),
    (re.compile(rf"\btuan\s+{_NEXT}\b"), lambda m, today: _week(today, 1)),
    (re.compile(rf"\btuan\s+{_PREV}\b"), lambda m, today: _week(today, -1)),
    (re.compile(r"\bnam\s+(?:nay|hien tai)\b|\bca nam\b|\btrong nam\b"), _year_relative(0)),
    (re.compile(r"\bnam\s+(?:sau|toi)\b"), _year_relative(1)),
    (re.compile(r"\bnam\s+(?:truoc|ngoai)\b"), _year_relative(-1)),
    (re.compile(r"\bnam\s+(?P<y>20\d\d)\b"), _year_named),
    (re.compile(r"\bhom nay\b"), _days(0)),
    (re.compile(r"\bngay mai\b|^mai\b|(?<=\bhan )mai\b|(?<=\bden )mai\b"), _days(1)),
    (re.compile(r"\bhom qua\b"), _days(-1)),
    (re.compile(r"\bngay kia\b|\bngay mot\b"), _days(2)),
    (re.compile(r"\b(?:ngay\s+)?(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b"), _single_date),
    (
        re.compile(r"\b(?:sap|gan)\s+(?:den|toi|het)\s+han\b|\bsap\s+(?:toi|den)\b|\bsap han\b|\bgan han\b"),
        lambda m, today: Period(today, today + dt.timedelta(days=_SOON_DAYS)),
    ),
)


class Workdays(Protocol):
    """The working calendar (`domain.workdays.WorkingCalendar`): holidays, weekends and swapped days."""

    def is_working_day(self, day: dt.date) -> bool: ...


# «trước Tết», «từ nay đến Tết», «tới Tết»: until the Lunar New Year break
_TET = re.compile(r"\b(?:truoc|den|toi|tu nay (?:den|toi)|tu gio (?:den|toi)|tu bay gio (?:den|toi))\s+(?:ky nghi\s+|nghi\s+)?tet\b")
# the Lunar New Year break is the longest run of days off in this window of its year (at least four days)
_TET_WINDOW = ((1, 10), (2, 28))
_TET_MIN_DAYS = 4


def tet_break(year: int, workdays: Workdays) -> Period | None:
    """The Tết break of `year` as the working calendar has it (holidays and swapped days included)."""
    day = dt.date(year, *_TET_WINDOW[0])
    last = dt.date(year, *_TET_WINDOW[1])
    best: Period | None = None
    start: dt.date | None = None
    while day <= last + dt.timedelta(days=1):
        off = day <= last and not workdays.is_working_day(day)
        if off and start is None:
            start = day
        elif not off and start is not None:
            run = Period(start, day - dt.timedelta(days=1))
            if (run.end - run.start).days + 1 >= _TET_MIN_DAYS and (
                best is None or (run.end - run.start) > (best.end - best.start)
            ):
                best = run
            start = None
        day += dt.timedelta(days=1)
    return best


def until_tet(today: dt.date, workdays: Workdays) -> Period | None:
    """From today to the last working day before the coming Tết break."""
    for year in (today.year, today.year + 1):
        brk = tet_break(year, workdays)
        if brk is not None and brk.start > today:
            end = brk.start - dt.timedelta(days=1)
            while end > today and not workdays.is_working_day(end):
                end -= dt.timedelta(days=1)
            return Period(today, end)
    return None


def find_period(
    text: str, today: dt.date, original: str = "", workdays: Workdays | None = None
) -> tuple[Period, Span] | None:
    """The period a message names (first rule in priority order), with its span in `text`. Periods
    anchored on the working calendar («trước Tết») need `workdays`."""
    if "thang sau" in text and "tháng sáu" in original.lower():  # June written in words, not "next month"
        text = text.replace("thang sau", "thang 6", 1)
    if workdays is not None:
        m = _TET.search(text)
        tet = until_tet(today, workdays) if m else None
        if m and tet is not None:
            return tet, m.span()
    vague: tuple[Period, Span] | None = None
    for pattern, resolve in RULES:
        m = pattern.search(text)
        if m:
            period = resolve(m, today)
            if period is None:
                continue
            if pattern not in _VAGUE:
                return period, m.span()
            vague = vague or (period, m.span())  # an explicit month, quarter or date said too wins
    return vague


# «cuối năm», «cuối tháng», «sắp tới»: they give way to an explicit month, quarter or date in the same message
_VAGUE = frozenset(
    p for p, _ in RULES if any(word in p.pattern for word in (r"\bcuoi nam", r"\bcuoi (?P<what>", r"\b(?:sap|gan)"))
)


# The words of a period that name its year: «năm 2022», «năm ngoái», «năm trước», «năm sau», «6/2022».
_YEAR_WORDS = re.compile(r"\bnam\s+(?:truoc|ngoai|sau|toi|20\d\d)\b|/\s*20\d\d\b")


def named_year(found: tuple[Period, Span] | None, text: str) -> int | None:
    """The plan year a message asks about (the NLU's `year` slot), read from the period phrase that owns
    its span (`find_period`): that period's year, when it lies within one calendar year and its words name
    the year — «năm 2022 nv 3 đã xong chưa», «nv 5 năm ngoái xong», «kế hoạch năm trước», «tháng 6/2022».
    «Năm nay» or a bare month names no year: the current plan answers."""
    if found is None:
        return None
    period, (start, end) = found
    if period.start.year != period.end.year or not _YEAR_WORDS.search(text[start:end]):
        return None
    return period.start.year


def period_spans(text: str) -> list[Span]:
    """Spans of every period or date phrase: numbers inside them are not task numbers."""
    spans = [m.span() for pattern, _ in RULES for m in pattern.finditer(text)]
    spans += [m.span() for pattern in _DATE_PATTERNS for m in pattern.finditer(text)]
    spans += [m.span() for m in _TET.finditer(text)]
    return spans


# -- report periods ----------------------------------------------------------------------------------
_REPORT_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], dt.date], str | None]], ...] = (
    (re.compile(r"\b(?:6|sau) thang cuoi\b|\bnua cuoi nam\b"), lambda m, t: "Y"),
    (re.compile(r"\b(?:6|sau) thang\b|\bnua nam\b|\bgiua nam\b|\bso ket\b|\bh1\b|\bban nien\b"), lambda m, t: "H1"),
    (re.compile(r"\b(?:9|chin) thang\b"), lambda m, t: "Q3"),
    # short English questions: «half-year report», «annual report» (quarters arrive as «quy 2» from «Q2»)
    (re.compile(r"\bhalf year\b|\b(?:6|six) months?\b|\bmid year\b"), lambda m, t: "H1"),
    (re.compile(r"\b(?:annual|yearly|year end|full year)\b"), lambda m, t: "Y"),  # the nine-month report is the Q3 one
    (re.compile(r"\bquy\s+(?P<q>[1-4]|iv|iii|ii|i|mot|hai|ba|bon|tu|dau|cuoi)\b"), lambda m, t: _report_of_quarter(m.group("q"))),
    (re.compile(rf"\bquy\s+{_THIS}\b"), lambda m, t: _report_of_quarter(str(quarter_of(t)))),
    (re.compile(rf"\bquy\s+{_NEXT}\b"), lambda m, t: _report_of_quarter(str(shift_quarter(t.year, quarter_of(t), 1)[1]))),
    (re.compile(rf"\bquy\s+{_PREV}\b"), lambda m, t: _report_of_quarter(str(shift_quarter(t.year, quarter_of(t), -1)[1]))),
    # "báo cáo năm", "báo cáo CCHC cả năm", "tổng kết" — but not "các mốc báo cáo trong năm"
    # «năm nay» is a period, not the annual report: «lịch báo cáo năm nay» is the whole calendar
    (re.compile(r"\bbao cao(?:\s+\S+){0,3}?\s+(?:ca\s+|hang\s+|cuoi\s+)?(?<!trong )nam\b(?!\s+(?:nay|hien tai))|\btong ket\b|\bh2\b|^nam$"),
     lambda m, t: "Y"),
)


def _report_of_quarter(word: str) -> str | None:
    quarter = int(word) if word.isdigit() else ROMAN.get(word) or QUARTER_WORDS.get(word)
    # The fourth quarter is covered by the annual report: there is no separate Q4 report.
    return {1: "Q1", 2: "Q2", 3: "Q3", 4: "Y"}.get(quarter or 0)


def find_report_period(text: str, today: dt.date) -> str | None:
    """Which periodic report (Q1, Q2, H1, Q3, Y) a report question names, or None."""
    for pattern, resolve in _REPORT_RULES:
        m = pattern.search(text)
        if m:
            value = resolve(m, today)
            if value:
                return value
    return None
