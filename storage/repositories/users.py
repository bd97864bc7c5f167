"""Users, their channel identities and invites."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.people import UserView
from storage.models import Identity, Invite, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_identity(self, channel: str, external_id: str) -> tuple[User, Identity] | None:
        row = (
            await self.session.execute(
                select(User, Identity)
                .join(Identity, Identity.user_id == User.id)
                .where(Identity.channel == channel, Identity.external_id == external_id, User.active.is_(True))
            )
        ).first()
        return (row[0], row[1]) if row else None

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

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def add_user(self, unit_id: str, role: str, display_name: str) -> User:
        user = User(unit_id=unit_id, role=role, display_name=display_name)
        self.session.add(user)
        await self.session.flush()
        return user

    async def add_identity(self, user: User, channel: str, external_id: str, chat_id: str | None) -> Identity:
        identity = Identity(user_id=user.id, channel=channel, external_id=external_id, chat_id=chat_id)
        self.session.add(identity)
        await self.session.flush()
        return identity

    async def identities_of(self, user_id: int) -> list[Identity]:
        return list((await self.session.scalars(select(Identity).where(Identity.user_id == user_id))).all())

    async def users_of_unit(self, unit_id: str, roles: tuple[str, ...] | None = None) -> list[User]:
        query = select(User).where(User.unit_id == unit_id, User.active.is_(True))
        if roles:
            query = query.where(User.role.in_(roles))
        return list((await self.session.scalars(query.order_by(User.id))).all())

    async def users_with_roles(self, roles: tuple[str, ...]) -> list[User]:
        query = select(User).where(User.role.in_(roles), User.active.is_(True)).order_by(User.id)
        return list((await self.session.scalars(query)).all())

    # -- invites ----------------------------------------------------------------------------------
    async def add_invite(self, invite: Invite) -> None:
        self.session.add(invite)
        await self.session.flush()

    async def invite(self, code: str, *, for_update: bool = False) -> Invite | None:
        query = select(Invite).where(Invite.code == code)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def code_exists(self, code: str) -> bool:
        return await self.session.get(Invite, code) is not None

    @staticmethod
    def mark_used(invite: Invite, user: User, at: dt.datetime) -> None:
        invite.used_at, invite.used_by = at, user.id
