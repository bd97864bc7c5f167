"""Scoped collective shares («Các phòng, đơn vị … được giao»): who is reminded of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ScopedLead:
    """A unit's share of an assignment that has a scope, with the assignment's lead units."""

    lead_id: int
    unit_id: str
    assignment_id: int
    leads: tuple[str, ...]


def collective(leads: Sequence[str]) -> bool:
    """A scoped assignment with several leads is collective; with one lead (task 5's «Trung tâm KC&XTTM:
    thực hiện báo cáo năm») it is a restriction, reminded as usual."""
    return len(leads) > 1


def unassigned_scoped(rows: Iterable[ScopedLead], assigned: set[tuple[int, str]]) -> set[int]:
    """Shares of a collective scoped lead whose unit no coordinator has assigned (assignment id, unit):
    they are not reminded."""
    return {r.lead_id for r in rows if collective(r.leads) and (r.assignment_id, r.unit_id) not in assigned}
