"""Whether the bot can still write to a person on a channel.

A messenger tells us a person blocked the bot (Telegram: 403 "bot was blocked by the user", or a
`my_chat_member` update with status "kicked"). Reminders skip unreachable identities instead of
failing on them every tick; when the person writes to the bot again (or unblocks it), the identity
is reachable again.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from storage.models import Identity


async def set_reachable(sessions: async_sessionmaker, channel: str, chat_id: str, reachable: bool) -> int:
    """Mark every identity of `channel` whose private chat is `chat_id`; returns how many changed."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(Identity)
            .where(Identity.channel == channel, Identity.chat_id == str(chat_id), Identity.reachable.isnot(reachable))
            .values(reachable=reachable)
        )
        return result.rowcount or 0


async def unreachable_chats(sessions: async_sessionmaker, channel: str) -> set[str]:
    """Chats of `channel` currently marked unreachable (a channel loads them at start, so a message
    from such a chat can clear the mark without a database write on every message)."""
    async with sessions() as session:
        rows = await session.scalars(
            select(Identity.chat_id).where(Identity.channel == channel, Identity.reachable.is_(False))
        )
        return {str(chat) for chat in rows if chat is not None}
