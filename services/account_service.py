"""One person, several messenger accounts: which accounts a user has, and where reminders go.

A user may register on Telegram and link Zalo later (or the reverse) with a second, one-time code
(`UserService.link_invite`); reminders then go to `User.preferred_channel` first. Choosing a channel
the person has no account on would silently lose every reminder, so it is refused with a hint.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.messages import TELEGRAM, ZALO
from storage.uow import UnitOfWorkFactory

MESSENGERS = (TELEGRAM, ZALO)  # channels a person can choose for reminders (the console is local)


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
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    async def accounts(self, user_id: int) -> Accounts:
        async with self.uow() as uow:
            preferred = await uow.users.preferred_channel(user_id)
            rows = await uow.users.channels_of(user_id)
        channels = tuple(c for c in MESSENGERS if any(channel == c for channel, _ in rows))
        unreachable = tuple(c for c in channels if not any(channel == c and ok for channel, ok in rows))
        return Accounts(channels, unreachable, preferred)

    async def set_preferred(self, user_id: int, channel: str) -> PreferenceOutcome:
        """Send reminders to `channel` from now on, if the user has an account there."""
        channel = channel.lower()
        if channel not in MESSENGERS:
            return PreferenceOutcome(False, "unknown_channel", await self.accounts(user_id))
        async with self.uow() as uow:
            done = await uow.users.set_preferred_channel(user_id, channel)
            await uow.commit()
        outcome_key = "set" if done else "no_account"
        return PreferenceOutcome(done, outcome_key, await self.accounts(user_id))

    async def private_chat(self, channel: str, external_id: str) -> str | None:
        """The chat where this account registered: where unit data may be sent instead of a group."""
        async with self.uow() as uow:
            return await uow.users.chat_of(channel, external_id)
