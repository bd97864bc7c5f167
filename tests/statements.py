"""Counting the SQL statements an App sends (the engine's per-message cost on SQLite is mostly one round of
thread hand-offs per statement, benchmarks/bench_engine.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import event


@contextlib.contextmanager
def statements(app) -> Iterator[list[str]]:
    """`with statements(app) as sent:` — the text of every statement the app's engine executes inside the
    block, in order (COMMIT and ROLLBACK are not statements here: the driver sends them itself)."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        sent.append(" ".join(statement.split()))

    engine = app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def reads_of(sent: list[str], table: str) -> list[str]:
    """The SELECTs among `sent` that read `table`."""
    return [s for s in sent if s.startswith("SELECT") and f" {table}" in s]
