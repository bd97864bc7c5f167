"""Where the `heavy` tests go in the run's order, so that the suite does not end waiting on one of them.

Heavy tests start real processes, a browser or hundreds of updates (10–15 s each, against a median of
0.1 s). `--dist worksteal` first cuts the ordered list into one consecutive part per worker, then lets an
idle worker take the tail of the busiest worker's part. Left where the random order puts them, two or
three heavy tests could sit at the end of one part and keep that worker busy for half a minute after the
others ran dry. Dealt to the head of each part, every worker starts on its share of them and the light
tests fill in around them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def deal_heavy_first(items: Sequence[T], workers: int, is_heavy: Callable[[T], bool]) -> list[T]:
    """`items` reordered: the heavy ones dealt round-robin to the heads of the workers' first parts (as
    worksteal cuts them), each part then filled up with light items. Heavy items keep their relative
    order, and so do the light ones."""
    sizes = [len(part) for part in worksteal_parts(len(items), max(1, workers))]
    heads: list[list[T]] = [[] for _ in sizes]
    turn = 0
    for item in (item for item in items if is_heavy(item)):
        while len(heads[turn % len(sizes)]) >= sizes[turn % len(sizes)]:  # that part is full of heavy ones
            turn += 1
        heads[turn % len(sizes)].append(item)
        turn += 1
    light = iter(item for item in items if not is_heavy(item))
    ordered: list[T] = []
    for head, size in zip(heads, sizes, strict=True):
        ordered += head + [next(light) for _ in range(size - len(head))]
    return ordered


def worksteal_parts(count: int, workers: int) -> list[range]:
    """The consecutive parts worksteal sends each worker first (pytest-xdist's `check_schedule`: each
    idle node gets len(pending) // nodes_remaining)."""
    parts, start = [], 0
    for k in range(workers):
        size = (count - start) // (workers - k)
        parts.append(range(start, start + size))
        start += size
    return parts
