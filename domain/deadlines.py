"""Deadline phrases of the plan ("Quý I", "Cả năm", "Trước 20/12 hàng năm", "Chậm nhất sau 05 ngày làm
việc kể từ ...") turned into milestones of the kinds in docs/contracts.md §2.

The parser is deliberately strict: a phrase it does not recognise raises `ValueError`, so a new wording
in next year's plan is reported at import instead of silently becoming a wrong reminder.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from domain.plan import (
    AFTER_EVENT,
    ANNUAL,
    DATE,
    ON_REQUEST,
    PER_AUTHORITY,
    PERIODIC_REPORT,
    RELATIVE,
    YEAR_ROUND,
    ParsedMilestone,
)
from domain.reporting import PERIOD_NAMES, ReportingCalendar
from domain.text import fold, nfc

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PHASE_SPLIT = re.compile(r"(?:^|(?<=[\s;.]))-\s+")
_QUARTER = r"quy (iv|iii|ii|i|[1-4])\b"
_DAY_MONTH = r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?"


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def split_phases(text: str) -> list[tuple[str | None, str]]:
    """'- Ban hành Kế hoạch: Quý I - Thực hiện: Cả năm' → [('Ban hành Kế hoạch', 'Quý I'), ...]."""
    text = nfc(text)
    if not text.startswith("-"):
        return [(None, _clean(text))]
    phases: list[tuple[str | None, str]] = []
    for part in _PHASE_SPLIT.split(text):
        part = _clean(part)
        if not part:
            continue
        label, sep, phrase = part.partition(":")
        if sep and phrase.strip():
            phases.append((_clean(label), _clean(phrase)))
        else:
            phases.append((None, part))
    return phases


def _clean(text: str) -> str:
    return nfc(text).strip(" ;.,")


def parse_phrase(phrase: str, year: int) -> ParsedMilestone:
    """One deadline phrase → one milestone (label left to the caller)."""
    f = fold(phrase)
    m = ParsedMilestone(label=phrase, kind="", text=phrase)
    if f in ("ca nam", "trong nam", "thuong xuyen", "hang nam") or f.startswith("ca nam"):
        m.kind, m.due = YEAR_ROUND, dt.date(year, 12, 31)
        return m
    if rel := re.search(r"(\d+)\s+ngay\s+(lam viec\s+)?ke tu\s+", f):
        m.kind, m.offset_days, m.working_days = RELATIVE, int(rel.group(1)), bool(rel.group(2))
        m.trigger = _after_words(phrase, "kể từ")
        return m
    if f.startswith("sau khi"):
        m.kind, m.trigger = AFTER_EVENT, _after_words(phrase, "sau khi")
        return m
    if f.startswith("khi co") or ("yeu cau" in f and f.startswith("khi")):
        m.kind = ON_REQUEST
        return m
    if f.startswith("theo quy dinh") or f.startswith("theo thoi han") or f.startswith("theo ke hoach"):
        m.kind = PER_AUTHORITY
        return m
    if q := re.fullmatch(r"truoc " + _QUARTER, f):
        quarter = ROMAN[q.group(1)]
        m.kind = DATE
        m.due = quarter_end(year, quarter - 1) if quarter > 1 else dt.date(year - 1, 12, 31)
        return m
    if q := re.fullmatch(r"(?:trong |trong thoi gian |cuoi )?" + _QUARTER + r"(?: nam (\d{4}))?", f):
        m.kind, m.due = DATE, quarter_end(int(q.group(2) or year), ROMAN[q.group(1)])
        return m
    if mo := re.fullmatch(r"(?:truoc |trong )?thang (\d{1,2})(?: (\d{4})| nam (\d{4}))?", f):
        m.kind, m.due = DATE, month_end(int(mo.group(2) or mo.group(3) or year), int(mo.group(1)))
        return m
    if f in ("6 thang dau nam", "truoc 6 thang dau nam"):
        m.kind, m.due = DATE, dt.date(year, 6, 30)
        return m
    raw = nfc(phrase)
    if mo := re.fullmatch(r"(?:tháng|Tháng)\s*(\d{1,2})\s*/\s*(\d{4})", raw):
        m.kind, m.due = DATE, month_end(int(mo.group(2)), int(mo.group(1)))
        return m
    if d := re.search(r"^(?:truoc ngay |truoc |chậm nhất |cham nhat |ngay )?" + _DAY_MONTH, _date_form(raw)):
        day, month, yr = int(d.group(1)), int(d.group(2)), d.group(3)
        annual = "hang nam" in f or "hangnam" in f or "moi nam" in f
        m.kind = ANNUAL if annual else DATE
        m.due = dt.date(int(yr) if yr else year, month, day)
        return m
    raise ValueError(f"không hiểu thời hạn «{phrase}»")


def _date_form(raw: str) -> str:
    """Folded text that keeps '/' so '20/12' survives."""
    from domain.text import strip_diacritics

    return re.sub(r"\s+", " ", strip_diacritics(raw).lower()).strip()


def _after_words(phrase: str, marker: str) -> str:
    """The original-case text after a marker such as 'kể từ' (diacritics-insensitive search)."""
    folded_marker = fold(marker)
    words = nfc(phrase).split()
    for i in range(len(words)):
        window = fold(" ".join(words[i : i + len(folded_marker.split())]))
        if window == folded_marker:
            return _clean(" ".join(words[i + len(folded_marker.split()) :]))
    return _clean(phrase)


# -- periodic reports -------------------------------------------------------------------------------
def report_periods(product: str) -> tuple[str, list[str]] | None:
    """'Báo cáo CCHC Quý I, 6 tháng, Quý III, báo cáo năm 2022' → ('cchc', ['Q1', 'H1', 'Q3', 'Y'])."""
    f = fold(product)
    if not f.startswith("bao cao") and " bao cao " not in f:
        return None
    periods: list[tuple[int, str]] = []
    for q in re.finditer(_QUARTER, f):
        periods.append((q.start(), f"Q{ROMAN[q.group(1)]}"))
    for h in re.finditer(r"\b6 thang\b", f):
        periods.append((h.start(), "H1"))
    for y in re.finditer(r"\bbao cao nam\b|\bva nam\b|\bca nam\b", f):
        periods.append((y.start(), "Y"))
    if len(periods) < 2:
        return None
    report = "kiem-soat-tthc" if "kiem soat" in f or "tthc" in f else "cchc"
    ordered = [p for _, p in sorted(periods)]
    return report, [p for i, p in enumerate(ordered) if p not in ordered[:i] and p != "Q4"]


def periodic_milestones(
    products: list[str], text: str, year: int, calendar_: ReportingCalendar
) -> list[ParsedMilestone]:
    for product in products:
        found = report_periods(product)
        if not found:
            continue
        report, periods = found
        milestones = []
        for period in periods:
            date = calendar_.date(report, period, year)
            if date is None:
                raise ValueError(f"lịch báo cáo không có kỳ {period} cho «{report}»")
            milestones.append(
                ParsedMilestone(
                    label=f"Báo cáo {PERIOD_NAMES[period]}", kind=PERIODIC_REPORT, text=text,
                    due=date.due, period=period, report=report,
                )
            )
        return milestones
    return []


def parse_deadline(
    text: str, *, year: int, products: list[str], calendar_: ReportingCalendar
) -> list[ParsedMilestone]:
    """A whole deadline cell → its milestones, one per phase; periodic reports expanded per period."""
    milestones: list[ParsedMilestone] = []
    for label, phrase in split_phases(text):
        if not phrase:
            continue
        milestone = parse_phrase(phrase, year)
        if milestone.kind == PER_AUTHORITY and (label is None or fold(label).startswith("bao cao")):
            periodic = periodic_milestones(products, phrase, year, calendar_)
            if periodic:
                milestones.extend(periodic)
                continue
        milestone.label = label or phrase
        milestones.append(milestone)
    if not milestones:
        raise ValueError("thiếu thời gian hoàn thành")
    return milestones


def restrict_to_scope(milestones: list[ParsedMilestone], scope: str) -> list[ParsedMilestone]:
    """Keep the milestones a scoped assignment covers ('thực hiện báo cáo năm 2022' → the annual report)."""
    f = fold(scope)
    wanted: set[str] = set()
    if re.search(r"\bbao cao nam\b", f):
        wanted.add("Y")
    for q in re.finditer(_QUARTER, f):
        wanted.add(f"Q{ROMAN[q.group(1)]}")
    if re.search(r"\b6 thang\b", f):
        wanted.add("H1")
    if not wanted:
        return milestones
    kept = [m for m in milestones if m.kind != PERIODIC_REPORT or m.period in wanted]
    return kept or milestones
