"""Which year's plan the assistant talks about when nobody names a year, and until when last year's plan
still takes late updates.

A department keeps every year's plan: in December it still reports on this year's plan while next year's
may already be imported, and in January it closes last year's late work. So the current plan is the one
of today's year, falling back to the latest when there is none for today's year (a plan imported ahead
of its year, or a demo of an old plan). An earlier year takes updates until its closing date (31 January
of the next year unless the Văn phòng sets another), then only reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def current_year(years: Iterable[int], today: dt.date) -> int | None:
    """The year of the plan that answers when no year is named: today's, else the latest there is."""
    known = set(years)
    if not known:
        return None
    return today.year if today.year in known else max(known)


def default_closing(year: int) -> dt.date:
    """Last year's plan takes late updates until the end of January."""
    return dt.date(year + 1, 1, 31)


def writable(year: int, today: dt.date, closes_on: dt.date | None = None) -> bool:
    """May a share of `year`'s plan still be updated on `today`? Any year up to and including today's
    (and a plan ahead of its year); an earlier one only until its closing date."""
    return year >= today.year or today <= (closes_on or default_closing(year))
