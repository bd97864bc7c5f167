"""What changed from one year's plan to the next: tasks added, removed, changed, and changed leads.

Next year's plan renumbers its tasks (a new task 1 moves every other one down), so tasks are matched by
what they are — their title with the years taken out — not by their number: first exact titles, then the
closest title above a similarity bar (rapidfuzz), so «Kế hoạch kiểm tra CCHC năm 2022» is the same task as
«Kế hoạch kiểm tra CCHC năm 2023» whatever number each carries. Pure: the plan service hands in outlines
read from the database, and the first message of the new year (what is new for a unit) is built from this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from domain.text import fold

# Two titles this close (rapidfuzz token-set ratio on the folded, year-less words) name the same task.
SAME_TASK = 85.0
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class TaskOutline:
    """What the diff compares of one task: its number, title, lead units, deadline phrases, products."""

    number: int
    title: str
    leads: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()
    products: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskChange:
    """One task found in both years: its numbers, and what differs besides the year in its words."""

    old: TaskOutline
    new: TaskOutline
    title_changed: bool
    deadlines_changed: bool
    products_changed: bool
    leads_added: tuple[str, ...]
    leads_removed: tuple[str, ...]

    @property
    def renumbered(self) -> bool:
        return self.old.number != self.new.number

    @property
    def leads_changed(self) -> bool:
        return bool(self.leads_added or self.leads_removed)

    @property
    def changed(self) -> bool:
        return self.title_changed or self.deadlines_changed or self.products_changed or self.leads_changed


@dataclass(frozen=True)
class PlanDiff:
    from_year: int
    to_year: int
    added: tuple[TaskOutline, ...] = ()
    removed: tuple[TaskOutline, ...] = ()
    kept: tuple[TaskChange, ...] = field(default=())

    @property
    def changed(self) -> tuple[TaskChange, ...]:
        return tuple(c for c in self.kept if c.changed)

    @property
    def lead_changes(self) -> tuple[TaskChange, ...]:
        return tuple(c for c in self.kept if c.leads_changed)

    def for_unit(self, unit_id: str) -> PlanDiff:
        """The part of the diff that concerns one unit: tasks it leads now or led before."""
        return PlanDiff(
            self.from_year,
            self.to_year,
            tuple(t for t in self.added if unit_id in t.leads),
            tuple(t for t in self.removed if unit_id in t.leads),
            tuple(c for c in self.kept if unit_id in c.old.leads or unit_id in c.new.leads),
        )


def key(text: str) -> str:
    """A title or phrase as compared across years: folded, years taken out, spaces squeezed."""
    return " ".join(_YEAR.sub(" ", fold(text)).split())


def _keys(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(key(v) for v in values))


def match_tasks(old: Sequence[TaskOutline], new: Sequence[TaskOutline]) -> list[tuple[TaskOutline, TaskOutline]]:
    """Pairs (old, new) of the same task: exact year-less titles first, then the most similar pairs
    above SAME_TASK, each task used once. Ties go to the closer number, so a repeated title (two rows
    «Báo cáo …») pairs in order."""
    pairs: list[tuple[TaskOutline, TaskOutline]] = []
    free_old, free_new = list(old), list(new)
    for o in list(free_old):
        exact = [n for n in free_new if key(n.title) == key(o.title)]
        if exact:
            n = min(exact, key=lambda t: abs(t.number - o.number))
            pairs.append((o, n))
            free_old.remove(o)
            free_new.remove(n)
    scored = sorted(
        (
            (-fuzz.token_set_ratio(key(o.title), key(n.title)), abs(o.number - n.number), i, j)
            for i, o in enumerate(free_old)
            for j, n in enumerate(free_new)
        ),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, _distance, i, j in scored:
        if -score < SAME_TASK:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((free_old[i], free_new[j]))
    return sorted(pairs, key=lambda pair: pair[1].number)


def diff_plans(from_year: int, old: Sequence[TaskOutline], to_year: int, new: Sequence[TaskOutline]) -> PlanDiff:
    pairs = match_tasks(old, new)
    matched_old = {id(o) for o, _ in pairs}
    matched_new = {id(n) for _, n in pairs}
    kept = tuple(
        TaskChange(
            old=o,
            new=n,
            title_changed=key(o.title) != key(n.title),
            deadlines_changed=_keys(o.deadlines) != _keys(n.deadlines),
            products_changed=_keys(o.products) != _keys(n.products),
            leads_added=tuple(u for u in n.leads if u not in o.leads),
            leads_removed=tuple(u for u in o.leads if u not in n.leads),
        )
        for o, n in pairs
    )
    return PlanDiff(
        from_year,
        to_year,
        added=tuple(t for t in new if id(t) not in matched_new),
        removed=tuple(t for t in old if id(t) not in matched_old),
        kept=kept,
    )
