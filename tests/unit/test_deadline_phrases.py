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

from domain.deadlines import parse_phrases
from domain.plan import ANNUAL, RECURRING

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
