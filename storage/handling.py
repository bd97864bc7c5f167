"""«Marked done in the same transaction as its effects»: the durable inbox's exactly-once rule.

While a stored update is being handled (`with handling(claim):`), the first transaction that writes
anything besides bookkeeping (conversation memory, the inbox itself, reachability marks) also moves
the update from `new` to `done` — in that very transaction, just before it commits. So after a crash
either both the effects and the mark are in the database (the update is not handled again) or neither
is (it is handled again from the stored row). No service needs to know: the mark rides on SQLAlchemy's
session events, and is a no-op outside `handling()`.

If the update is no longer `new` when its effects commit (another process handled it meanwhile), the
commit is refused with `AlreadyHandled`, so nothing is written twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import event, update
from sqlalchemy.orm import Session, UOWTransaction

from storage.models import InboxUpdate
from storage.repositories.dialect import rowcount

# Tables whose writes are not an update's effects: re-doing them after a crash changes nothing.
BOOKKEEPING = frozenset({"inbox_updates", "chat_states", "processed_messages", "identities"})
_WROTE = "cchc_inbox_effects"


class AlreadyHandled(RuntimeError):
    """The update's effects were about to be committed, but it is no longer `new`."""


@dataclass
class Claim:
    update_id: int
    marked: bool = False  # its `done` mark is committed (with the first effects)
    finished: bool = False  # the handling is over: writes of tasks it left behind do not mark anything


_current: ContextVar[Claim | None] = ContextVar("cchc_inbox_claim", default=None)


def current() -> Claim | None:
    return _current.get()


@contextmanager
def handling(claim: Claim) -> Iterator[Claim]:
    token = _current.set(claim)
    try:
        yield claim
    finally:
        claim.finished = True
        _current.reset(token)


def _note(session: Session, table: str | None) -> None:
    if table is not None and table not in BOOKKEEPING:
        session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if _current.get() is None or not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    _note(state.session, getattr(table, "name", None))


@event.listens_for(Session, "before_flush")
def _on_flush(session: Session, _context: UOWTransaction, _instances) -> None:
    if _current.get() is None:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note(session, getattr(obj, "__tablename__", None))


@event.listens_for(Session, "before_commit")
def _on_commit(session: Session) -> None:
    claim = _current.get()
    if claim is None or claim.marked or claim.finished:
        session.info.pop(_WROTE, None)
        return
    session.flush()  # ORM changes still pending decide too
    if not session.info.pop(_WROTE, False):
        return
    result = session.execute(
        update(InboxUpdate).where(InboxUpdate.id == claim.update_id, InboxUpdate.state == "new")
        .values(state="done", handled_at=dt.datetime.now(dt.UTC))
    )
    if rowcount(result) != 1:
        raise AlreadyHandled(f"inbox update {claim.update_id} was handled elsewhere")
    session.info["cchc_inbox_marking"] = claim


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    claim = session.info.pop("cchc_inbox_marking", None)
    if claim is not None:
        claim.marked = True


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_WROTE, None)
    session.info.pop("cchc_inbox_marking", None)
