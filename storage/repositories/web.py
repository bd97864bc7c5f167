"""Sign-in links and browser sessions of the web view (tokens are stored as SHA-256 digests only)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User, WebSession, WebSignIn


class WebRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_sign_in(self, link: WebSignIn) -> None:
        self.session.add(link)
        await self.session.flush()

    async def redeem(self, token_hash: str, now: dt.datetime) -> WebSignIn | None:
        """Mark the link used — one UPDATE guarded by «not used, not expired», so two browsers racing
        with the same link cannot both win. Returns the link when this call used it."""
        result = await self.session.execute(
            update(WebSignIn)
            .where(WebSignIn.token_hash == token_hash, WebSignIn.used_at.is_(None), WebSignIn.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        return await self.session.get(WebSignIn, token_hash)

    async def first_user(self, unit_id: str, role: str) -> User | None:
        return await self.session.scalar(
            select(User).where(User.unit_id == unit_id, User.role == role, User.active.is_(True)).order_by(User.id)
        )

    async def user(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def add_session(self, session: WebSession) -> None:
        self.session.add(session)
        await self.session.flush()

    async def session_of(self, token_hash: str) -> WebSession | None:
        return await self.session.get(WebSession, token_hash)

    async def touch(self, token_hash: str, now: dt.datetime, expires_at: dt.datetime) -> None:
        await self.session.execute(
            update(WebSession).where(WebSession.token_hash == token_hash).values(last_seen_at=now, expires_at=expires_at)
            .execution_options(synchronize_session=False)
        )

    async def end_session(self, token_hash: str) -> None:
        await self.session.execute(
            delete(WebSession).where(WebSession.token_hash == token_hash).execution_options(synchronize_session=False)
        )

    async def purge(self, now: dt.datetime) -> None:
        """Forget expired sessions and links (links a day after they expired: a replay is still told
        «đã dùng» rather than «không tồn tại» for a while)."""
        await self.session.execute(
            delete(WebSession).where(WebSession.expires_at <= now).execution_options(synchronize_session=False)
        )
        await self.session.execute(
            delete(WebSignIn).where(WebSignIn.expires_at <= now - dt.timedelta(days=1))
            .execution_options(synchronize_session=False)
        )

    async def virtual_user(self, unit_id: str, role: str) -> User | None:
        """The inactive stand-in created for (unit, role) by an earlier link, if any."""
        return await self.session.scalar(
            select(User).where(User.unit_id == unit_id, User.role == role, User.active.is_(False),
                               ~User.identities.any()).order_by(User.id)
        )

    async def add_user(self, user: User) -> None:
        self.session.add(user)
        await self.session.flush()
