"""How many examples the costly property tests draw: the everyday number, times `--thorough N`.

The tests that run each example through the database (tests/integration/test_one_truth.py: the export,
the web overview, the chat and the report per example, ~80 ms each) were a fifth of the suite's CPU at
200 examples. The everyday run draws half of that, derandomized, so a failure reproduces as it is; a
thorough run multiplies it (`./scripts/test --thorough 10 tests/integration/test_one_truth.py`,
docs/testing.md) before a release or after a change to the projection.
"""

from __future__ import annotations

SCALE = 1  # set from `--thorough` by tests/conftest.py before the test modules are imported


def examples(everyday: int) -> int:
    """The number of examples for a test whose everyday run draws `everyday`."""
    return everyday * SCALE
