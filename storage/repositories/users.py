"""Users, their channel identities and invites."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.people import UserView
from storage.models import Identity, Invite, User
from storage.repositories.dialect import rowcount


@dataclass(frozen=True)
class InviteRecord:
    code: str
    unit_id: str
    role: str
    expires_at: dt.datetime
    used_at: dt.datetime | None
    for_user_id: int | None  # a link code: a second messenger for this person


def _view(user: User) -> UserView:
    return UserView(id=user.id, unit_id=user.unit_id, role=user.role, display_name=user.display_name or "")


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def view_by_identity(self, channel: str, external_id: str) -> UserView | None:
        """The active user behind a channel account — columns only, because every incoming message asks."""
        row = (
            await self.session.execute(
                select(User.id, User.unit_id, User.role, User.display_name)
                .join(Identity, Identity.user_id == User.id)
                .where(Identity.channel == channel, Identity.external_id == external_id, User.active.is_(True))
            )
        ).first()
        return UserView(id=row[0], unit_id=row[1], role=row[2], display_name=row[3] or "") if row else None

    async def get(self, user_id: int) -> UserView | None:
        user = await self.session.get(User, user_id)
        return _view(user) if user is not None else None

    async def add_user(self, unit_id: str, role: str, display_name: str) -> UserView:
        user = User(unit_id=unit_id, role=role, display_name=display_name)
        self.session.add(user)
        await self.session.flush()
        return _view(user)

    async def set_unit_and_role(self, user_id: int, unit_id: str, role: str) -> None:
        await self.session.execute(update(User).where(User.id == user_id).values(unit_id=unit_id, role=role))

    async def add_identity(self, user_id: int, channel: str, external_id: str, chat_id: str | None) -> None:
        self.session.add(Identity(user_id=user_id, channel=channel, external_id=external_id, chat_id=chat_id))
        await self.session.flush()

    # -- invites ----------------------------------------------------------------------------------
    async def add_invite(
        self, *, code: str, unit_id: str, role: str, created_at: dt.datetime, expires_at: dt.datetime,
        for_user_id: int | None = None,
    ) -> None:
        self.session.add(
            Invite(
                code=code, unit_id=unit_id, role=role, created_at=created_at, expires_at=expires_at,
                for_user_id=for_user_id,
            )
        )
        await self.session.flush()

    async def invite(self, code: str, *, for_update: bool = False) -> InviteRecord | None:
        query = select(Invite).where(Invite.code == code)
        if for_update:
            query = query.with_for_update()
        found = await self.session.scalar(query)
        if found is None:
            return None
        return InviteRecord(found.code, found.unit_id, found.role, found.expires_at, found.used_at, found.for_user_id)

    async def code_exists(self, code: str) -> bool:
        return await self.session.get(Invite, code) is not None

    async def mark_used(self, code: str, user_id: int, at: dt.datetime) -> None:
        await self.session.execute(update(Invite).where(Invite.code == code).values(used_at=at, used_by=user_id))

    # -- reachability and reminder channel ----------------------------------------------------------
    async def set_reachable(self, channel: str, chat_id: str, reachable: bool) -> int:
        """Mark every identity of `channel` whose private chat is `chat_id`; how many changed."""
        result = await self.session.execute(
            update(Identity)
            .where(Identity.channel == channel, Identity.chat_id == chat_id, Identity.reachable.isnot(reachable))
            .values(reachable=reachable)
        )
        return rowcount(result)

    async def unreachable_chats(self, channel: str) -> set[str]:
        rows = await self.session.scalars(
            select(Identity.chat_id).where(Identity.channel == channel, Identity.reachable.is_(False))
        )
        return {str(chat) for chat in rows if chat is not None}

    async def channels_of(self, user_id: int) -> list[tuple[str, bool]]:
        """(channel, reachable) of each account of a person, oldest first."""
        rows = await self.session.execute(
            select(Identity.channel, Identity.reachable).where(Identity.user_id == user_id).order_by(Identity.id)
        )
        return [(channel, bool(reachable)) for channel, reachable in rows.all()]

    async def preferred_channel(self, user_id: int) -> str | None:
        return await self.session.scalar(select(User.preferred_channel).where(User.id == user_id))

    async def set_preferred_channel(self, user_id: int, channel: str) -> bool:
        """Send this person's reminders to `channel` — only if they have an account there."""
        has = await self.session.scalar(
            select(Identity.id).where(Identity.user_id == user_id, Identity.channel == channel).limit(1)
        )
        if has is None:
            return False
        await self.session.execute(update(User).where(User.id == user_id).values(preferred_channel=channel))
        return True

    async def chat_of(self, channel: str, external_id: str) -> str | None:
        """The private chat where this account registered."""
        return await self.session.scalar(
            select(Identity.chat_id).where(Identity.channel == channel, Identity.external_id == external_id)
        )
