"""The weekly digest's rule: one unit's week — milestones due this week, overdue ones, periodic reports
coming up, year-round work counted — decided here in Python from the open milestones the repository
fetched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.plan import PERIODIC_REPORT, YEAR_ROUND
from domain.reminders.model import Candidate, MilestoneRow
from domain.shares import Workdays, milestone_overdue

WEEK, LATE, REPORTS, ROUTINE = "week", "overdue", "reports", "routine"  # the sections of a weekly digest


@dataclass
class WeekSummary:
    """One unit's week for its digest: milestones due this week, overdue ones (before this week),
    periodic reports coming up — the first few of each, and how many there are in all."""

    week: dt.date
    items: dict[str, list[Candidate]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def section(self, name: str) -> list[Candidate]:
        return self.items.get(name, [])

    def total(self, name: str) -> int:
        return self.counts.get(name, 0)

    @property
    def empty(self) -> bool:
        """Nothing dated to say (year-round work alone is not worth a Monday message)."""
        return not any(self.counts.get(name) for name in (WEEK, LATE, REPORTS))



@dataclass(frozen=True)
class WeekWindow:
    """The week a digest speaks of: its Monday, the first working day (a deadline before it is overdue —
    the one overdue rule counts from the working day a deadline is really due), today (the plan years that
    still count: what is due before 1 January of today's year belongs to a closed year, or is what the
    current plan itself fulfilled) and how far ahead periodic reports are announced."""

    week: dt.date
    first_working: dt.date
    today: dt.date
    report_until: dt.date

    @property
    def end(self) -> dt.date:
        return self.week + dt.timedelta(days=6)

    @property
    def fetch_from(self) -> dt.date:
        return dt.date(self.today.year, 1, 1)

    @property
    def routine_until(self) -> dt.date:
        """Year-round work counts to the end of today's year."""
        return dt.date(self.today.year, 12, 31)

    @property
    def dated_until(self) -> dt.date:
        """Other deadlines count to the week's end, periodic reports to the horizon."""
        return max(self.end, self.report_until)

    def section(self, row: MilestoneRow, workdays: Workdays) -> str | None:
        """The digest section of an open milestone, or None when the week's digest does not count it."""
        if row.due is None or row.due < self.fetch_from or not row.open:
            return None
        if row.kind == YEAR_ROUND:
            return ROUTINE if row.due <= self.routine_until else None
        if milestone_overdue(row.status, row.done_through, row.due, self.first_working, workdays):
            return LATE
        if row.due <= self.end:
            return WEEK
        if row.kind == PERIODIC_REPORT and row.due <= self.report_until:
            return REPORTS
        return None


def _rank(section: str, row: MilestoneRow) -> tuple[int, int, int]:
    """The order a section lists: overdue newest first, the others soonest first; then task, share."""
    assert row.due is not None
    day = row.due.toordinal()
    return (-day if section == LATE else day, row.task_number, row.lead_id)


def week_summaries(rows: Iterable[MilestoneRow], window: WeekWindow, workdays: Workdays, *,
                   limit: int) -> dict[str, WeekSummary]:
    """Per unit: how many open milestones fall in each section, and the first `limit` of each
    (limit 0: counts only)."""
    found: dict[str, dict[str, list[MilestoneRow]]] = {}
    # An open milestone's section depends on its kind and deadline alone: decided once per pair (a
    # national plan has 100,000 rows and a few hundred deadlines).
    sections: dict[tuple[str, dt.date | None], str | None] = {}
    for row in rows:
        if not row.open:
            continue
        key = (row.kind, row.due)
        name = sections[key] if key in sections else sections.setdefault(key, window.section(row, workdays))
        if name is not None:
            found.setdefault(row.unit_id, {}).setdefault(name, []).append(row)
    result: dict[str, WeekSummary] = {}
    for unit_id, by_section in found.items():
        summary = result[unit_id] = WeekSummary(window.week)
        for name, mine in by_section.items():
            summary.counts[name] = len(mine)
            if limit > 0:
                mine.sort(key=lambda r, n=name: _rank(n, r))  # type: ignore[misc]
                summary.items[name] = [r.listed_candidate() for r in mine[:limit]]
    return result
