"""The share counts a progress answer and its chart show: per unit, per reform area and in total."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from domain.shares import Status, Workdays
from services.views import LeadView


def tally_leads(
    leads: Iterable[LeadView], today: dt.date, workdays: Workdays,
) -> tuple[dict[str, Counter[str]], dict[int, Counter[str]], Counter[str]]:
    """Counts of shares per unit, per section and in total (status keys, plus 'overdue', 'total',
    'not_updated', 'done_late') — the projection's counts (`domain.projection.count_shares`) when the
    leads were read through it on `today`, as `QueryService.leads(today=…)` reads them."""
    by_unit: dict[str, Counter[str]] = {}
    by_section: dict[int, Counter[str]] = {}
    total: Counter[str] = Counter()
    for lead in leads:
        keys = [lead.status, "total"]
        if lead.is_overdue(today, workdays):
            keys.append("overdue")
        if lead.status == Status.NOT_STARTED and not lead.updated:
            keys.append("not_updated")
        if lead.state is not None and lead.state.done_late:
            keys.append("done_late")
        for bucket in (by_unit.setdefault(lead.unit_id, Counter()), by_section.setdefault(lead.section, Counter()), total):
            for key in keys:
                bucket[key] += 1
    return by_unit, by_section, total
