"""Deadline cells of the plan ("- Ban hành Kế hoạch: Quý I - Thực hiện: Cả năm", "Hàng quý", "Trước 20/12
hàng năm") turned into milestones of the kinds in docs/contracts.md §2.

A cell is split into phases, each phase read by the grammar (`domain.deadline_grammar`). A phrase the
grammar does not know is never a guess and never stops the import: it becomes one `needs_date` milestone
(no date, no reminder), listed at the end of the import and set later by a coordinator («nv 3 hạn 30/06»).
"""

from __future__ import annotations

import re
from dataclasses import replace

from domain.deadline_grammar import ROMAN, Due, month_end, quarter_end, read_phrase
from domain.plan import NEEDS_DATE, PER_AUTHORITY, PERIODIC_REPORT, ParsedMilestone
from domain.reporting import ReportingCalendar
from domain.text import fold, nfc

# The label a periodic-report milestone is stored under when a plan is imported: the plan's own way of
# naming the report («Báo cáo 6 tháng»), kept with the plan as data (how periods read in chat and
# documents is presentation's, `presentation.periods`).
REPORT_MILESTONE_LABELS = {
    "Q1": "Báo cáo Quý I", "Q2": "Báo cáo Quý II", "H1": "Báo cáo 6 tháng", "Q3": "Báo cáo Quý III", "Y": "Báo cáo năm",
}

__all__ = [
    "ROMAN", "month_end", "parse_deadline", "parse_phrase", "parse_phrases", "quarter_end", "restrict_to_scope",
    "split_phases",
]

_PHASE_SPLIT = re.compile(r"(?:^|(?<=[\s;.]))-\s+")
_QUARTER = r"quy (iv|iii|ii|i|[1-4])\b"
# A dash between two numbers of a range («Tháng 11 - 12/2023», «Quý II - III») is not a new phase.
_RANGE_END = re.compile(r"(?:\b(?:iv|iii|ii|i)|\d)\s*$", re.IGNORECASE)
_RANGE_START = re.compile(r"^(?:\d|(?:iv|iii|ii|i)\b|th[aá]ng\b|qu[yý]\b)", re.IGNORECASE)


def split_phases(text: str) -> list[tuple[str | None, str]]:
    """'- Ban hành Kế hoạch: Quý I - Thực hiện: Cả năm' → [('Ban hành Kế hoạch', 'Quý I'), ...]."""
    text = nfc(text)
    if not text.startswith("-"):
        return [(None, _clean(text))]
    parts: list[str] = []
    for part in _PHASE_SPLIT.split(text):
        if parts and _RANGE_END.search(parts[-1]) and _RANGE_START.match(part) and ":" not in part:
            parts[-1] = f"{parts[-1].rstrip()} - {part}"
        else:
            parts.append(part)
    phases: list[tuple[str | None, str]] = []
    for part in parts:
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


def parse_phrases(phrase: str, year: int) -> list[ParsedMilestone]:
    """One deadline phrase → its milestones (several for a list or a recurring deadline); a phrase the
    grammar does not know → one `needs_date` milestone. Labels: the phrase, with the occurrence when
    there are several («Hàng quý (Quý II)»)."""
    phrase = _clean(phrase)
    dues = read_phrase(phrase, year)
    if not dues:
        return [ParsedMilestone(label=phrase, kind=NEEDS_DATE, text=phrase)]
    several = len(dues) > 1
    return [_milestone(phrase, due, several) for due in dues]


def _milestone(phrase: str, due: Due, several: bool) -> ParsedMilestone:
    occurrence = due.occurrence or (f"{due.due.day:02d}/{due.due.month:02d}" if due.due else None)
    label = f"{phrase} ({occurrence})" if several and occurrence else phrase
    return ParsedMilestone(
        label=label, kind=due.kind, text=phrase, due=due.due, offset_days=due.offset_days,
        working_days=due.working_days, trigger=due.trigger, recurrence=due.recurrence,
    )


def parse_phrase(phrase: str, year: int) -> ParsedMilestone:
    """The first milestone of a phrase (most phrases have exactly one)."""
    return parse_phrases(phrase, year)[0]


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
                    label=REPORT_MILESTONE_LABELS[period], kind=PERIODIC_REPORT, text=text,
                    due=date.due, period=period, report=report,
                )
            )
        return milestones
    return []


def parse_deadline(
    text: str, *, year: int, products: list[str], calendar_: ReportingCalendar
) -> list[ParsedMilestone]:
    """A whole deadline cell → its milestones, one per phase (several for lists and recurring
    deadlines); periodic reports expanded per period; an empty cell → one `needs_date` milestone."""
    milestones: list[ParsedMilestone] = []
    for label, phrase in split_phases(text):
        if not phrase:
            continue
        found = parse_phrases(phrase, year)
        if found[0].kind == PER_AUTHORITY and (label is None or fold(label).startswith("bao cao")):
            periodic = periodic_milestones(products, phrase, year, calendar_)
            if periodic:
                milestones.extend(periodic)
                continue
        for milestone in found:
            if label:
                milestone.label = label if len(found) == 1 else f"{label} ({milestone.label})"
            milestones.append(milestone)
    if not milestones:
        milestones.append(ParsedMilestone(label="Chưa ghi thời hạn", kind=NEEDS_DATE, text=""))
    return milestones


def unknown_phrases(milestones: list[ParsedMilestone]) -> list[str]:
    """The phrases of a cell that need a date (the import lists them)."""
    return [m.text for m in milestones if m.kind == NEEDS_DATE]


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
    kept = [replace(m) for m in milestones if m.kind != PERIODIC_REPORT or m.period in wanted]
    return kept or milestones
