"""Per-chat conversation memory and inbound idempotency.

A messenger may deliver the same update twice (retries, webhook redelivery, two pollers); the first
sighting of a channel message id is recorded with a unique constraint and later ones are dropped.
Pending questions ("which unit?", "confirm?") live in `chat_states` with an expiry so that they survive
a restart and work across several bot processes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from storage.models import ChatState, ProcessedMessage

PENDING_TTL = dt.timedelta(minutes=30)


class Inbox:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    async def first_time(self, channel: str, key: str) -> bool:
        try:
            async with self.sessions() as session, session.begin():
                session.add(ProcessedMessage(channel=channel, message_key=key[:200]))
            return True
        except IntegrityError:
            return False

    async def get_state(self, channel: str, chat_id: str, now: dt.datetime) -> dict | None:
        async with self.sessions() as session:
            row = await session.scalar(
                select(ChatState).where(ChatState.channel == channel, ChatState.chat_id == chat_id)
            )
            if row is None:
                return None
            expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
            return dict(row.data) if expires > now else None

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

    async def clear_state(self, channel: str, chat_id: str) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(
                delete(ChatState).where(ChatState.channel == channel, ChatState.chat_id == chat_id)
            )
