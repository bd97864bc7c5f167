"""One person, several messenger accounts: which accounts a user has, and where reminders go.

A user may register on Telegram and link Zalo later (or the reverse) with a second, one-time code
(`UserService.link_invite`); reminders then go to `User.preferred_channel` first. Choosing a channel
the person has no account on would silently lose every reminder, so it is refused with a hint.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from domain.messages import TELEGRAM, ZALO
from storage.models import Identity, User

MESSENGERS = (TELEGRAM, ZALO)  # channels a person can choose for reminders (the console is local)
CHANNEL_NAMES = {TELEGRAM: "Telegram", ZALO: "Zalo"}


@dataclass(frozen=True)
class Accounts:
    channels: tuple[str, ...]  # messenger channels the user has an account on, reachable or not
    unreachable: tuple[str, ...]  # of those, the ones where the bot was blocked
    preferred: str | None


@dataclass(frozen=True)
class PreferenceOutcome:
    ok: bool
    key: str  # set | no_account | unknown_channel
    accounts: Accounts


class AccountService:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    async def accounts(self, user_id: int) -> Accounts:
        async with self.sessions() as session:
            user = await session.get(User, user_id)
            rows = (await session.scalars(select(Identity).where(Identity.user_id == user_id))).all()
        channels = tuple(c for c in MESSENGERS if any(r.channel == c for r in rows))
        unreachable = tuple(c for c in channels if not any(r.channel == c and r.reachable for r in rows))
        return Accounts(channels, unreachable, user.preferred_channel if user else None)

    async def set_preferred(self, user_id: int, channel: str) -> PreferenceOutcome:
        """Send reminders to `channel` from now on, if the user has an account there."""
        channel = channel.lower()
        if channel not in MESSENGERS:
            return PreferenceOutcome(False, "unknown_channel", await self.accounts(user_id))
        async with self.sessions() as session, session.begin():
            has = await session.scalar(
                select(Identity.id).where(Identity.user_id == user_id, Identity.channel == channel).limit(1)
            )
            if has is None:
                outcome_key = "no_account"
            else:
                user = await session.get(User, user_id)
                user.preferred_channel = channel
                outcome_key = "set"
        return PreferenceOutcome(outcome_key == "set", outcome_key, await self.accounts(user_id))

    async def private_chat(self, channel: str, external_id: str) -> str | None:
        """The chat where this account registered: where unit data may be sent instead of a group."""
        async with self.sessions() as session:
            return await session.scalar(
                select(Identity.chat_id).where(Identity.channel == channel, Identity.external_id == external_id)
            )
