"""A costly fixture value computed once per test run, not once per xdist worker.

A module-scoped fixture runs in every worker that gets one of the module's tests; with three workers a
simulated year of reminders was computed up to three times. `once()` follows pytest-xdist's documented
recipe: the first worker computes and pickles the value under a file lock in the run's shared temporary
folder; the others wait on the lock (they would have been computing the same thing) and read it.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def once(tmp_path_factory: pytest.TempPathFactory, name: str, compute: Callable[[], T]) -> T:
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    path = root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return pickle.loads(path.read_bytes())
        value = compute()
        path.write_bytes(pickle.dumps(value))
        return value
