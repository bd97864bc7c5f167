"""The plan's targets a check-in asks about: which units answer for which reform area, and what the
coordinators' count says."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MissingTargets:
    """What a check-in asks about the plan's targets: those with a numeric goal and no figure yet for the
    period whose cut-off is coming (`period`: Q1, H1, Q3, Y), as (code, short name) in the plan's order.
    A unit's item lists its areas' targets; the coordinators' item counts all of them (`of` quantified)."""

    period: str
    targets: tuple[tuple[str, str], ...]
    of: int = 0


def responsible_units(rows: Iterable[tuple[int, Sequence[str]]], everyone: Iterable[str],
                      readers: Iterable[str] = ()) -> dict[int, list[str]]:
    """Reform area (section) → the units asked for its targets' figures.

    The plan names no unit per target. A department asks the units that lead the area's tasks by name:
    they run that work and hold its numbers (in the 2022 plan: Thanh tra the legal texts of area II and
    the citizens' feedback of area III, Văn phòng most areas, Phòng KH-TC-TH with the Văn phòng area VI).
    A row led by the whole department («Các phòng, đơn vị thuộc Sở»: its leads include every unit
    of `everyone`) makes nobody answerable for an area — were it counted, every phòng would be asked for
    nearly every target. Units in `readers` report no figures: Lãnh đạo Sở, and the one-stop desk, whose
    staff are officers (the Văn phòng records the desk's figures). The Văn phòng's coordinators, who
    compile the report, get the count of everything missing instead."""
    whole = set(everyone)
    skip = set(readers)
    out: dict[int, list[str]] = {}
    for section, leads in rows:
        if len(leads) > 1 and whole and whole <= set(leads):
            continue
        mine = out.setdefault(section, [])
        mine.extend(u for u in leads if u not in skip and u not in mine)
    return {s: us for s, us in out.items() if us}




@dataclass(frozen=True)
class TargetRow:
    """One target of the plan, as stored: its area, code, short name, numeric goal (None: not
    quantified) and whether a figure was reported for the period asked about."""

    section: int
    code: str
    short_name: str
    goal: object | None
    reported: bool


def missing_targets(rows: Sequence[TargetRow], areas: dict[int, list[str]]) -> tuple[MissingTargets, dict[str, list[tuple[str, str]]]]:
    """The quantified targets with no figure yet: all of them (period left empty; for the coordinators,
    with how many are quantified) and, per unit answering for the area (`responsible_units`), its own."""
    quantified = sum(1 for row in rows if row.goal is not None)
    missing = [row for row in rows if row.goal is not None and not row.reported]
    by_unit: dict[str, list[tuple[str, str]]] = {}
    for row in missing:
        for unit_id in areas.get(row.section, []):
            by_unit.setdefault(unit_id, []).append((row.code, row.short_name))
    return MissingTargets("", tuple((row.code, row.short_name) for row in missing), quantified), by_unit
