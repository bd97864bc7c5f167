"""The order that starts every xdist worker on its share of the heavy tests (tests/scheduling.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.scheduling import deal_heavy_first, worksteal_parts


@given(st.lists(st.booleans(), max_size=300), st.integers(min_value=1, max_value=6))
def test_each_worker_starts_on_its_share_of_the_heavy_tests(flags, workers):
    items = list(enumerate(flags))  # (position in the random order, heavy?)
    ordered = deal_heavy_first(items, workers, lambda item: item[1])

    assert sorted(ordered) == items  # nothing lost, nothing doubled
    assert [i for i in ordered if not i[1]] == [i for i in items if not i[1]]  # light tests keep their order
    parts = [[ordered[i] for i in part] for part in worksteal_parts(len(ordered), workers)]
    for part in parts:
        flags_in_part = [heavy for _, heavy in part]
        assert flags_in_part == sorted(flags_in_part, reverse=True)  # the part starts with its heavy tests
        assert [i for i in part if i[1]] == sorted(i for i in part if i[1])  # in their random order
    shares = [sum(heavy for _, heavy in part) for part in parts]
    if all(share < len(part) for share, part in zip(shares, parts, strict=True)):  # no part is all heavy
        assert max(shares) - min(shares) <= 1  # dealt evenly


def test_heavy_tests_are_dealt_round_robin():
    items = ["a", "H1", "b", "c", "H2", "d", "H3", "e", "f"]
    assert deal_heavy_first(items, 3, lambda name: name.startswith("H")) == ["H1", "a", "b", "H2", "c", "d", "H3", "e", "f"]
    assert deal_heavy_first(items, 1, lambda name: name.startswith("H")) == ["H1", "H2", "H3", "a", "b", "c", "d", "e", "f"]
