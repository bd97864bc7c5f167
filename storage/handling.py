"""«Marked done in the same transaction as its effects»: the durable inbox's exactly-once rule.

The message pipeline (bot/channels/pipeline.py) runs the engine for one stored update inside
`handling(Claim(row_id))`. While that claim is current, the first unit of work that commits a write —
and is not bookkeeping (the inbox itself, chat memory, reachability marks and send pacing open theirs
with `uow(bookkeeping=True)`) — also moves the update from `new` to `done`: `UnitOfWork.commit()` calls
`uow.inbox.mark_done` itself, in that very transaction, just before it commits (storage/uow.py). So
after a crash either both the effects and the mark are in the database (the update is not handled
again) or neither is (it is handled again from the stored row). No service needs to know.

If the update is no longer `new` when its effects commit (another process handled it meanwhile), the
commit is refused with `AlreadyHandled`, so nothing is written twice.

Chat memory written during the handling (`Inbox.set_state`) waits in the claim and is written in the
transaction that keeps the replies (`Inbox.set_replies`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


class AlreadyHandled(RuntimeError):
    """The update's effects were about to be committed, but it is no longer `new`."""


@dataclass
class Claim:
    update_id: int
    marked: bool = False  # its `done` mark is committed (with the first effects)
    finished: bool = False  # the handling is over: writes of tasks it left behind do not mark anything
    # Chat memory written while handling, kept here and written with the replies (one transaction
    # fewer per update; lost only with the replies, when a crash leaves the row for «recovered»).
    chat_states: dict[tuple[str, str], tuple[dict[str, Any], dt.datetime]] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        """The next unit of work that commits a write carries the `done` mark."""
        return not self.marked and not self.finished


_current: ContextVar[Claim | None] = ContextVar("cchc_inbox_claim", default=None)


def current() -> Claim | None:
    """The stored update being handled in this task (None outside the pipeline's handling step)."""
    return _current.get()


@contextmanager
def handling(claim: Claim) -> Iterator[Claim]:
    token = _current.set(claim)
    try:
        yield claim
    finally:
        claim.finished = True
        _current.reset(token)
