"""The durable inbox, per-chat conversation memory and inbound idempotency.

Every messenger update is stored (raw payload, channel, key) before it is acknowledged; handling works
from the stored row (the steps in order: bot/channels/pipeline.py), and the row is marked done in the
same transaction as the handling's effects (`storage.handling`, `storage.uow`). A redelivered update (same channel and key) is stored once, so it is handled once.
The console, which does not store its messages, keeps the older ledger: the first sighting
of a channel message id is recorded with a unique constraint and later ones are dropped.

Pending questions ("which unit?", "confirm?") live in `chat_states` with an expiry so that they survive
a restart and work across several bot processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.people import UserView
from storage import handling
from storage.handling import AlreadyHandled, Claim
from storage.repositories.inbox import StoredUpdate
from storage.uow import UnitOfWorkFactory

PENDING_TTL = dt.timedelta(minutes=30)
STORE_RETRY_MAX = 10.0  # seconds between attempts to store an update while the database is unreachable

log = logging.getLogger(__name__)

__all__ = ["PENDING_TTL", "RECOVER_GRACE", "AlreadyHandled", "Arrival", "Inbox", "Recovery", "StoredUpdate"]


@dataclass(frozen=True)
class Arrival:
    """What the router needs to know before it can understand a message."""

    new: bool  # False: this channel message was handled before (a redelivery)
    user: UserView | None
    state: dict[str, Any]
    deactivated: bool = False  # the sender is a person the operator deactivated (docs/contracts.md §9)


class Inbox:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    # -- the durable inbox -------------------------------------------------------------------------
    async def store(self, channel: str, key: str, chat_key: str, payload: dict[str, Any], now: dt.datetime) -> int | None:
        """Store one update, committed; its row id, or None for a redelivery already stored."""
        async with self.uow(bookkeeping=True) as uow:
            stored = await uow.inbox.store(channel, key, chat_key, payload, now)
            await uow.commit()
        return stored

    async def store_until_stored(
        self, channel: str, key: str, chat_key: str, payload: dict[str, Any], now: Callable[[], dt.datetime],
        *, retry_max: float = STORE_RETRY_MAX,
    ) -> StoredUpdate | None:
        """`store`, tried again (0.5 s, doubling up to `retry_max`) while the database cannot be reached:
        the caller acknowledges the update to the messenger only after this returns. The stored row to
        handle, or None for a redelivery already stored."""
        delay = 0.5
        while True:
            try:
                row = await self.store(channel, key, chat_key, payload, now())
                break
            except Exception:  # the database is down: the update is not confirmed; try again
                log.exception("%s update %s could not be stored; retrying", channel, key)
                await asyncio.sleep(delay)
                delay = min(delay * 2, retry_max)
        return StoredUpdate(row, channel, chat_key, payload, "new", None) if row is not None else None

    async def unfinished(self, channel: str, *, untouched_before: dt.datetime | None = None) -> list[StoredUpdate]:
        async with self.uow(bookkeeping=True) as uow:
            return await uow.inbox.unfinished(channel, untouched_before=untouched_before)

    async def get(self, update_id: int) -> StoredUpdate | None:
        async with self.uow(bookkeeping=True) as uow:
            return await uow.inbox.get(update_id)

    async def set_replies(
        self, update_id: int, replies: list[dict[str, Any]], now: dt.datetime, *, wrote_effects: bool = False,
        chat_states: dict[tuple[str, str], tuple[dict[str, Any], dt.datetime]] | None = None,
    ) -> bool:
        """Keep the replies with the row — and the chat memory the handling wrote (`Claim.chat_states`),
        in the same transaction. False (nothing written) when another process kept its replies first."""
        async with self.uow(bookkeeping=True) as uow:
            ok = await uow.inbox.set_replies(update_id, replies, now, wrote_effects=wrote_effects)
            if not ok:
                return False
            for (channel, chat_id), (data, expires_at) in (chat_states or {}).items():
                await uow.inbox.put_chat_state(channel, chat_id, data, expires_at)
            await uow.commit()
        return ok

    async def answered(self, update_id: int) -> None:
        async with self.uow(bookkeeping=True) as uow:
            await uow.inbox.mark_answered(update_id)
            await uow.commit()

    def handling(self, row: StoredUpdate) -> contextlib.AbstractContextManager[Claim]:
        """`with inbox.handling(row) as claim:` — while the engine handles `row`, the first unit of work
        that commits effects also marks the row `done` (storage/uow.py); `claim.marked` says it did."""
        return handling.handling(Claim(row.id))

    async def counts(self, channel: str) -> dict[str, int]:
        async with self.uow(bookkeeping=True) as uow:
            return await uow.inbox.counts(channel)

    # -- arrival of one message -------------------------------------------------------------------
    async def receive(
        self, channel: str, key: str | None, sender_id: str, chat_id: str, now: dt.datetime
    ) -> Arrival:
        """Find the sender and the chat's pending state — in one transaction, because on SQLite every
        separate session costs a round of thread hand-offs per message. A message handled from the
        durable inbox is already unique; others record their id here first."""
        stored = handling.current() is not None  # from the durable inbox: unique already, nothing to write
        async with self.uow(bookkeeping=True) as uow:
            if key and not stored and not await uow.inbox.first_sighting(channel, key, now):
                return Arrival(False, None, {})
            arrived = await uow.inbox.arrival(channel, sender_id, chat_id)  # user and chat memory at once
            found = arrived.chat_state
            state = found[0] if found is not None and _aware(found[1]) > now else {}
            if key and not stored:
                await uow.commit()
            return Arrival(True, arrived.user, state, arrived.deactivated)

    async def get_state(self, channel: str, chat_id: str, now: dt.datetime) -> dict[str, Any] | None:
        claim = handling.current()
        found = claim.chat_states.get((channel, chat_id)) if claim is not None and not claim.finished else None
        if found is None:
            async with self.uow(bookkeeping=True) as uow:
                found = await uow.inbox.chat_state(channel, chat_id)
        if found is None:
            return None
        return found[0] if _aware(found[1]) > now else None

    async def set_state(
        self, channel: str, chat_id: str, data: dict[str, Any], now: dt.datetime, ttl: dt.timedelta = PENDING_TTL
    ) -> None:
        """Store the chat's memory — while a stored update is handled, with its replies (`set_replies`)."""
        claim = handling.current()
        if claim is not None and not claim.finished:
            claim.chat_states[(channel, chat_id)] = (data, now + ttl)
            return
        async with self.uow(bookkeeping=True) as uow:
            await uow.inbox.put_chat_state(channel, chat_id, data, now + ttl)
            await uow.commit()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


RECOVER_GRACE = dt.timedelta(minutes=2)


class Recovery:
    """Which stored-but-unfinished updates this process takes over, and when.

    Long polling: the messenger hands one bot's updates to one consumer at a time, so every unfinished
    row was left by an earlier run of this very process — all of them are taken at start. Webhooks: other
    workers may be handling rows right now (a worker restarting beside running ones); a row is taken only
    when nobody has stored or handled it for `RECOVER_GRACE`, at start and then by a sweep every half
    grace, so the rows of a worker that died are finished by another within a few minutes. Rows this
    process already holds are never queued twice.
    """

    def __init__(
        self, inbox: Inbox, channel: str, submit: Callable[[StoredUpdate], None], now: Callable[[], dt.datetime],
        *, others_may_run: bool, grace: dt.timedelta = RECOVER_GRACE,
    ) -> None:
        self.inbox = inbox
        self.channel = channel
        self._submit = submit
        self._now = now
        self.others_may_run = others_may_run
        self.grace = grace
        self._held: set[int] = set()

    def hold(self, row: StoredUpdate) -> bool:
        """Queue `row` for handling here, once; False when this process holds it already."""
        if row.id in self._held:
            return False
        self._held.add(row.id)
        self._submit(row)
        return True

    def release(self, row_id: int) -> None:
        self._held.discard(row_id)

    async def take(self) -> int:
        """Queue the unfinished rows that are this process's to finish; how many were queued."""
        before = self._now() - self.grace if self.others_may_run else None
        taken = sum(self.hold(row) for row in await self.inbox.unfinished(self.channel, untouched_before=before))
        if taken:
            log.info("%s: %d unfinished updates taken over", self.channel, taken)
        return taken

    async def sweep(self, stop: asyncio.Event) -> None:
        """With webhooks: take over abandoned rows every half grace until `stop`."""
        if not self.others_may_run:
            return
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.grace.total_seconds() / 2)
            if stop.is_set():
                return
            try:
                await self.take()
            except Exception:  # the database is briefly away: the next sweep tries again
                log.exception("%s: the inbox sweep failed", self.channel)
