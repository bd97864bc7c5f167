"""Whether the bot can still write to a person on a channel.

A messenger tells us a person blocked the bot (Telegram: 403 "bot was blocked by the user", or a
`my_chat_member` update with status "kicked"). Reminders skip unreachable identities instead of
failing on them every tick; when the person writes to the bot again (or unblocks it), the identity
is reachable again.
"""

from __future__ import annotations

from storage.uow import UnitOfWorkFactory


class ReachabilityService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    async def set_reachable(self, channel: str, chat_id: str, reachable: bool) -> int:
        """Mark every identity of `channel` whose private chat is `chat_id`; returns how many changed."""
        async with self.uow(bookkeeping=True) as uow:
            changed = await uow.users.set_reachable(channel, str(chat_id), reachable)
            await uow.commit()
        return changed

    async def unreachable_chats(self, channel: str) -> set[str]:
        """Chats of `channel` currently marked unreachable (a channel loads them at start, so a message
        from such a chat can clear the mark without a database write on every message)."""
        async with self.uow(bookkeeping=True) as uow:
            return await uow.users.unreachable_chats(channel)
