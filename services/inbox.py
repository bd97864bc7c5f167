"""Per-chat conversation memory and inbound idempotency.

A messenger may deliver the same update twice (retries, webhook redelivery, two pollers); the first
sighting of a channel message id is recorded with a unique constraint and later ones are dropped.
Pending questions ("which unit?", "confirm?") live in `chat_states` with an expiry so that they survive
a restart and work across several bot processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from domain.people import UserView
from storage.models import ChatState, ProcessedMessage
from storage.repositories.users import UserRepository

PENDING_TTL = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Arrival:
    """What the router needs to know before it can understand a message."""

    new: bool  # False: this channel message was handled before (a redelivery)
    user: UserView | None
    state: dict


class Inbox:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    async def receive(
        self, channel: str, key: str | None, sender_id: str, chat_id: str, now: dt.datetime
    ) -> Arrival:
        """Record the message id, find the sender and the chat's pending state — in one transaction,
        because on SQLite every separate session costs a round of thread hand-offs per message."""
        async with self.sessions() as session, session.begin():
            if key:
                dialect = session.bind.dialect.name
                insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
                result = await session.execute(
                    insert_(ProcessedMessage)
                    .values(channel=channel, message_key=key[:200], created_at=now)
                    .on_conflict_do_nothing(index_elements=["channel", "message_key"])
                )
                if result.rowcount == 0:
                    return Arrival(False, None, {})
            user = await UserRepository(session).view_by_identity(channel, sender_id)
            row = (
                await session.execute(
                    select(ChatState.data, ChatState.expires_at).where(
                        ChatState.channel == channel, ChatState.chat_id == chat_id
                    )
                )
            ).first()
            state = dict(row[0]) if row is not None and _aware(row[1]) > now else {}
            return Arrival(True, user, state)

    async def get_state(self, channel: str, chat_id: str, now: dt.datetime) -> dict | None:
        async with self.sessions() as session:
            row = await session.scalar(
                select(ChatState).where(ChatState.channel == channel, ChatState.chat_id == chat_id)
            )
            if row is None:
                return None
            return dict(row.data) if _aware(row.expires_at) > now else None

    async def set_state(
        self, channel: str, chat_id: str, data: dict, now: dt.datetime, ttl: dt.timedelta = PENDING_TTL
    ) -> None:
        async with self.sessions() as session, session.begin():
            row = await session.scalar(
                select(ChatState).where(ChatState.channel == channel, ChatState.chat_id == chat_id)
            )
            if row is None:
                session.add(ChatState(channel=channel, chat_id=chat_id, data=data, expires_at=now + ttl))
            else:
                row.data, row.expires_at = data, now + ttl

    async def update_state(self, channel: str, chat_id: str, now: dt.datetime, **changes) -> dict:
        """Merge keys into the chat's state (None removes a key) and return the result."""
        state = await self.get_state(channel, chat_id, now) or {}
        for key, value in changes.items():
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
        await self.set_state(channel, chat_id, state, now)
        return state


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
