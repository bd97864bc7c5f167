"""Failures the services report to every caller alike (chat, web, command line); their words are in
presentation/ (`presentation.common.no_plan`, `presentation.people`), never here."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class NoPlan(LookupError):
    """No plan is stored (or none of the year asked for): nothing to answer from until the department's
    office imports one (`cchc-bot plan import`)."""

    def __init__(self, year: int | None = None) -> None:
        super().__init__(f"no plan stored for {year}" if year else "no plan stored")
        self.year = year


class Unknown(StrEnum):
    UNIT = "unit"
    ROLE = "role"
    PERSON = "person"


class UnknownName(ValueError):
    """A unit, role or person named (on the command line, in an invite) that does not exist: what kind of
    name, the value given and the values that would do. The words are `presentation.people`'s."""

    def __init__(self, what: Unknown, value: object, known: Sequence[str] = ()) -> None:
        super().__init__(f"unknown {what.value}: {value!r}")
        self.what = what
        self.value = value
        self.known = tuple(known)
