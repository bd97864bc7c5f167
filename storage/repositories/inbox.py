"""The durable inbox (`inbox_updates`), conversation memory (`chat_states`) and the older
processed-message ledger (`processed_messages`, still used by channels that do not store updates)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, delete, func, literal, select, text, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.people import UserView
from storage.models import ChatState, Identity, InboxUpdate, PacingSlot, ProcessedMessage, User
from storage.repositories.dialect import dialect_name, greatest, insert, insert_of, is_postgres, rowcount

UNFINISHED = ("new", "done")



@dataclass(frozen=True)
class StoredUpdate:
    id: int
    channel: str
    chat_key: str
    payload: dict
    state: str  # "new" | "done"
    replies: list | None


@dataclass(frozen=True)
class Arrived:
    """`InboxRepository.arrival`: the active user behind the sender (None: unknown or deactivated),
    whether the sender is a deactivated person, and the chat's stored state with its expiry."""

    user: UserView | None
    deactivated: bool
    chat_state: tuple[dict, dt.datetime] | None


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self):
        return insert(self.session)

    # -- the durable inbox -------------------------------------------------------------------------
    async def store(self, channel: str, key: str, chat_key: str, payload: dict, now: dt.datetime) -> int | None:
        """Insert one update; its id, or None when this (channel, key) is already stored (a redelivery)."""
        result = await self.session.execute(
            self._insert()(InboxUpdate)
            .values(channel=channel, update_key=key[:200], chat_key=chat_key[:64], payload=payload, state="new",
                    received_at=now)
            .on_conflict_do_nothing(index_elements=["channel", "update_key"])
            .returning(InboxUpdate.id)
        )
        return result.scalar()

    async def unfinished(
        self, channel: str, limit: int = 10_000, *, untouched_before: dt.datetime | None = None
    ) -> list[StoredUpdate]:
        """Updates not answered yet, oldest first (so per chat in arrival order); with `untouched_before`,
        only those neither stored nor handled since then."""
        query = (
            select(InboxUpdate.id, InboxUpdate.channel, InboxUpdate.chat_key, InboxUpdate.payload, InboxUpdate.state,
                   InboxUpdate.replies)
            .where(InboxUpdate.channel == channel, InboxUpdate.state.in_(UNFINISHED))
            .order_by(InboxUpdate.id)
            .limit(limit)
        )
        if untouched_before is not None:
            query = query.where(func.coalesce(InboxUpdate.handled_at, InboxUpdate.received_at) < untouched_before)
        rows = await self.session.execute(query)
        return [StoredUpdate(*row) for row in rows]

    async def get(self, update_id: int) -> StoredUpdate | None:
        row = (
            await self.session.execute(
                select(InboxUpdate.id, InboxUpdate.channel, InboxUpdate.chat_key, InboxUpdate.payload,
                       InboxUpdate.state, InboxUpdate.replies).where(InboxUpdate.id == update_id)
            )
        ).first()
        return StoredUpdate(*row) if row else None

    async def mark_done(self, update_id: int, now: dt.datetime) -> bool:
        """new → done; False when it was not `new` any more (handled by someone else)."""
        result = await self.session.execute(
            update(InboxUpdate).where(InboxUpdate.id == update_id, InboxUpdate.state == "new")
            .values(state="done", handled_at=now)
        )
        return rowcount(result) == 1

    async def set_replies(self, update_id: int, replies: list, now: dt.datetime, *, wrote_effects: bool = False) -> bool:
        """Record what to answer. Only the handler whose effects carry the `done` mark may answer a `done`
        row (`wrote_effects`); a handler that wrote nothing answers only a row still `new`, and marks it
        `done`. So when two processes handle one update, the one that saw the other's effects («already
        recorded») never answers in place of the one that wrote them."""
        state = "done" if wrote_effects else "new"
        result = await self.session.execute(
            update(InboxUpdate).where(InboxUpdate.id == update_id, InboxUpdate.state == state,
                                      InboxUpdate.replies.is_(None))
            .values(state="done", replies=replies, handled_at=now)
        )
        return rowcount(result) == 1

    async def mark_answered(self, update_id: int) -> None:
        await self.session.execute(
            update(InboxUpdate).where(InboxUpdate.id == update_id).values(state="answered")
        )

    async def counts(self, channel: str) -> dict[str, int]:
        rows = await self.session.execute(
            select(InboxUpdate.state, func.count()).where(InboxUpdate.channel == channel).group_by(InboxUpdate.state)
        )
        return {state: n for state, n in rows}

    # -- processed messages (channels without the durable inbox) ----------------------------------
    async def first_sighting(self, channel: str, key: str, now: dt.datetime) -> bool:
        result = await self.session.execute(
            _sighting(dialect_name(self.session)), {"channel": channel, "message_key": key[:200], "created_at": now}
        )
        return rowcount(result) != 0

    # -- chat states ------------------------------------------------------------------------------
    async def arrival(self, channel: str, sender_id: str, chat_id: str) -> Arrived:
        """Who sent a message and what the chat remembers, in one statement — every message asks, and
        on SQLite each statement is a round of thread hand-offs. One row always: the sender's user (if
        any, active or not: the identity is unique) and the chat's state (if any) are each joined to a
        row of one constant."""
        values = {"channel": channel, "sender_id": sender_id, "chat_id": chat_id}
        uid, unit, role, name, active, data, expires_at = (await self.session.execute(_arrival(), values)).one()
        user = UserView(id=uid, unit_id=unit, role=role, display_name=name or "") if uid is not None and active else None
        memory = (dict(data or {}), expires_at) if expires_at is not None else None
        return Arrived(user, uid is not None and not active, memory)

    async def chat_state(self, channel: str, chat_id: str) -> tuple[dict, dt.datetime] | None:
        row = (
            await self.session.execute(
                select(ChatState.data, ChatState.expires_at).where(
                    ChatState.channel == channel, ChatState.chat_id == chat_id
                )
            )
        ).first()
        return (dict(row[0]), row[1]) if row is not None else None

    async def put_chat_state(self, channel: str, chat_id: str, data: dict, expires_at: dt.datetime) -> None:
        """One upsert: two processes answering one chat at once (a proxy spreading it) both write its
        state; the later one wins instead of failing on the unique (channel, chat_id)."""
        values = {"channel": channel, "chat_id": chat_id, "data": data, "expires_at": expires_at}
        await self.session.execute(_chat_state_upsert(dialect_name(self.session)), values)


# The statements every message runs, built once with bound parameters: building a statement (and its
# cache key) anew cost more CPU than running it — 0.35 ms of 1.2 ms for `_arrival` on SQLite.
@functools.cache
def _arrival() -> Select[*tuple[Any, ...]]:
    """`InboxRepository.arrival`'s statement (parameters: channel, sender_id, chat_id)."""
    channel: BindParameter[str] = bindparam("channel")
    sender = (
        select(User.id, User.unit_id, User.role, User.display_name, User.active)
        .join(Identity, Identity.user_id == User.id)
        .where(Identity.channel == channel, Identity.external_id == bindparam("sender_id"))
        .subquery()
    )
    state = (
        select(ChatState.data, ChatState.expires_at)
        .where(ChatState.channel == channel, ChatState.chat_id == bindparam("chat_id"))
        .subquery()
    )
    one = select(literal(1).label("one")).subquery()
    return (
        select(*sender.c, state.c.data, state.c.expires_at)
        .select_from(one).outerjoin(sender, true()).outerjoin(state, true())
    )


@functools.cache
def _sighting(dialect: str) -> Any:
    """`first_sighting`'s INSERT … ON CONFLICT DO NOTHING (parameters: the row's columns). On the table,
    not the mapped class: the ORM would run a dict of values as a bulk insert, which counts no rows."""
    return insert_of(dialect)(ProcessedMessage.__table__).on_conflict_do_nothing(
        index_elements=["channel", "message_key"]
    )


@functools.cache
def _chat_state_upsert(dialect: str) -> Any:
    """`put_chat_state`'s upsert (parameters: the row's columns)."""
    statement = insert_of(dialect)(ChatState.__table__)
    return statement.on_conflict_do_update(
        index_elements=["channel", "chat_id"],
        set_={"data": statement.excluded.data, "expires_at": statement.excluded.expires_at},
    )



class PacingRepository:
    """Send slots reserved in the database (a per-bot budget shared by every process)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def reserve(self, name: str, now: float, interval: float) -> float:
        """Reserve the next slot on the grid of `name`; the epoch second at which it may be used."""
        await self._without_fsync()
        return await self._slot(name, now, interval)

    async def reserve_send(
        self, bot: str, bot_interval: float, chat: str, chat_interval: float, burst: int, now: float
    ) -> tuple[float, bool]:
        """Reserve one send to a chat, in one transaction: first on the chat's grid (GCRA with a burst:
        the send may go at max(now, tat − (burst−1)·interval), and the row's new tat is
        max(tat, now) + interval; the upsert's row lock makes concurrent processes queue), then, if the
        chat's turn is now, on the bot's grid too. Returns (when it may go, whether the bot's slot is
        included); a send that must wait for its chat reserves the bot's slot when its turn comes."""
        await self._without_fsync()
        tat = await self._slot(chat, now, chat_interval)  # = max(tat_old, now)
        at = max(now, tat - (max(1, burst) - 1) * chat_interval)
        if at > now:
            return at, False
        return max(at, await self._slot(bot, now, bot_interval)), True

    async def _without_fsync(self) -> None:
        if is_postgres(self.session):  # a lost slot after a crash is harmless: no fsync
            await self.session.execute(text("SET LOCAL synchronous_commit TO OFF"))

    async def _slot(self, name: str, now: float, interval: float) -> float:
        statement = insert(self.session)(PacingSlot).values(name=name, next_at=now + interval)
        statement = statement.on_conflict_do_update(
            index_elements=["name"], set_={"next_at": greatest(self.session)(PacingSlot.next_at, now) + interval},
        ).returning(PacingSlot.next_at)
        return float((await self.session.execute(statement)).scalar_one()) - interval

    async def push_back(self, name: str, until: float) -> None:
        """Nothing on the grid `name` before `until` (a 429's retry_after): next_at = max(next_at, until)."""
        statement = insert(self.session)(PacingSlot).values(name=name, next_at=until)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=["name"], set_={"next_at": greatest(self.session)(PacingSlot.next_at, until)},
        ))

    async def forget(self, prefix: str, before: float) -> int:
        """Delete the grids named `prefix…` whose next send was due before `before` (chats gone quiet)."""
        result = await self.session.execute(
            delete(PacingSlot).where(PacingSlot.name.startswith(prefix, autoescape=True), PacingSlot.next_at < before)
        )
        return rowcount(result)
