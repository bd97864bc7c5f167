"""Failures the services report to every caller alike (chat, web, command line); their words are in
presentation/ (`presentation.common.no_plan`), never here."""

from __future__ import annotations


class NoPlan(LookupError):
    """No plan is stored (or none of the year asked for): nothing to answer from until the department's
    office imports one (`cchc-bot plan import`)."""

    def __init__(self, year: int | None = None) -> None:
        super().__init__(f"no plan stored for {year}" if year else "no plan stored")
        self.year = year
