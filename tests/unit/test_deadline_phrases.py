"""The deadline phrase table (tests/data/deadline_phrases*.tsv): how plans of other departments and years
write time, each phrase with the milestones it means in the plan's year. The held-out half was written
before the grammar's rules and is never tuned case by case; its figure is reported in the README.

Encoding of the expected column (docs/contracts.md §2, «phrase table»):
``kind[:recurrence] [MM-DD|YYYY-MM-DD[,…] | +N(w|d)]`` per milestone, milestones joined by `` ; ``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.deadline_grammar import month_end
from domain.deadlines import parse_phrases
from domain.plan import ANNUAL, RECURRING
from domain.text import strip_diacritics

DATA = Path(__file__).resolve().parents[1] / "data"
Expected = tuple[str, "dt.date | None", "str | None", "int | None", "bool | None"]


def load(name: str) -> list[tuple[str, int, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            phrase, year, expected = line.split("\t")
            rows.append((phrase, int(year), expected))
    return rows


def expected_milestones(encoded: str, year: int) -> list[Expected]:
    """Decode the table's compact column into (kind, due, recurrence, offset, working days) tuples."""
    out: list[Expected] = []
    for item in encoded.split(" ; "):
        head, _, rest = item.strip().partition(" ")
        kind, _, recurrence = head.partition(":")
        if kind == ANNUAL:
            recurrence = "yearly"
        if rest.startswith("+"):
            out.append((kind, None, None, int(rest[1:-1]), rest[-1] == "w"))
            continue
        if not rest:
            out.append((kind, None, recurrence or None, None, None))
            continue
        for due in rest.split(","):
            day = dt.date.fromisoformat(due if len(due) == 10 else f"{year}-{due}")
            out.append((kind, day, recurrence or None, None, None))
    return out


def actual(phrase: str, year: int) -> list[Expected]:
    return [
        (m.kind, m.due, m.recurrence, m.offset_days, m.working_days if m.kind == "relative" else None)
        for m in parse_phrases(phrase, year)
    ]


DEVELOPMENT = load("deadline_phrases.tsv")
HELD_OUT = load("deadline_phrases_heldout.tsv")


def test_the_table_has_both_halves_and_no_phrase_twice():
    assert len(DEVELOPMENT) >= 75 and len(HELD_OUT) >= 75
    phrases = [(p, y) for p, y, _ in DEVELOPMENT + HELD_OUT]
    assert len(phrases) == len(set(phrases))


@pytest.mark.parametrize(("phrase", "year", "expected"), DEVELOPMENT, ids=[r[0] for r in DEVELOPMENT])
def test_development_phrase(phrase: str, year: int, expected: str) -> None:
    assert actual(phrase, year) == expected_milestones(expected, year)


@pytest.mark.parametrize(("phrase", "year", "expected"), HELD_OUT, ids=[r[0] for r in HELD_OUT])
def test_held_out_phrase(phrase: str, year: int, expected: str) -> None:
    assert actual(phrase, year) == expected_milestones(expected, year)


def test_recurring_milestones_are_labelled_by_occurrence():
    found = parse_phrases("Hàng quý", 2023)
    assert [m.label for m in found] == [f"Hàng quý (Quý {q})" for q in ("I", "II", "III", "IV")]
    assert {m.kind for m in found} == {RECURRING}


def test_unknown_phrase_needs_a_date():
    (only,) = parse_phrases("Sớm nhất có thể", 2023)
    assert (only.kind, only.due, only.text) == ("needs_date", None, "Sớm nhất có thể")


# -- properties --------------------------------------------------------------------------------------
YEARS = st.integers(min_value=2000, max_value=2099)
MONTHS = st.integers(min_value=1, max_value=12)
SPELLING = st.sampled_from([str, str.upper, strip_diacritics, lambda t: strip_diacritics(t).lower()])


@settings(max_examples=200)
@given(year=YEARS, month=MONTHS, spell=SPELLING)
def test_a_month_is_its_last_day_and_before_it_the_last_day_of_the_month_before(year, month, spell):
    (within,) = parse_phrases(spell(f"Tháng {month}/{year}"), year)
    (before,) = parse_phrases(spell(f"Trước tháng {month:02d} năm {year}"), year)
    assert (within.kind, within.due) == ("date", month_end(year, month))
    assert (before.kind, before.due) == ("date", dt.date(year, month, 1) - dt.timedelta(days=1))


@settings(max_examples=200)
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
       lead=st.sampled_from(["", "Trước ", "Chậm nhất ", "Muộn nhất ngày ", "Đến ngày ", "Hoàn thành trước "]))
def test_a_day_after_any_lead_word_is_that_day(day, lead):
    for written in (f"{lead}{day.day}/{day.month}/{day.year}", f"{lead}ngày {day.day} tháng {day.month} năm {day.year}"):
        (only,) = parse_phrases(written, day.year)
        assert (only.kind, only.due) == ("date", day), written


@settings(max_examples=300)
@given(text=st.text(max_size=60))
def test_no_phrase_ever_raises_or_returns_nothing(text):
    found = parse_phrases(text, 2023)
    assert found and all(m.kind for m in found)
