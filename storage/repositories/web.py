"""Sign-in links and browser sessions of the web view (tokens are stored as SHA-256 digests only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User, WebSession, WebSignIn
from storage.repositories.dialect import rowcount


@dataclass(frozen=True)
class Holder:
    """Whom a link or a session is for: a person (user_id), or a unit and role with nobody registered."""

    user_id: int | None
    unit_id: str
    role: str


@dataclass(frozen=True)
class WebUserRecord:
    id: int
    unit_id: str
    role: str
    active: bool
    display_name: str


@dataclass(frozen=True)
class SessionRecord:
    holder: Holder
    display_name: str
    csrf: str
    last_seen_at: dt.datetime
    expires_at: dt.datetime


def _record(row: User) -> WebUserRecord:
    return WebUserRecord(row.id, row.unit_id, row.role, row.active, row.display_name or "")


def _user(row: User | None) -> WebUserRecord | None:
    return _record(row) if row else None


class WebRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_sign_in(self, token_hash: str, holder: Holder, created_at: dt.datetime,
                          expires_at: dt.datetime) -> None:
        self.session.add(WebSignIn(token_hash=token_hash, user_id=holder.user_id, unit_id=holder.unit_id,
                                   role=holder.role, created_at=created_at, expires_at=expires_at))
        await self.session.flush()

    async def redeem(self, token_hash: str, now: dt.datetime) -> Holder | None:
        """Mark the link used — one UPDATE guarded by «not used, not expired», so two browsers racing
        with the same link cannot both win. Whom the link was for, when this call used it."""
        result = await self.session.execute(
            update(WebSignIn)
            .where(WebSignIn.token_hash == token_hash, WebSignIn.used_at.is_(None), WebSignIn.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            return None
        link = await self.session.get(WebSignIn, token_hash)
        return Holder(link.user_id, link.unit_id, link.role) if link else None

    async def first_user(self, unit_id: str, role: str) -> WebUserRecord | None:
        return _user(await self.session.scalar(
            select(User).where(User.unit_id == unit_id, User.role == role, User.active.is_(True)).order_by(User.id)
        ))

    async def user(self, user_id: int) -> WebUserRecord | None:
        return _user(await self.session.get(User, user_id))

    async def add_session(self, token_hash: str, holder: Holder, *, display_name: str, csrf: str,
                          now: dt.datetime, expires_at: dt.datetime) -> None:
        self.session.add(WebSession(
            token_hash=token_hash, user_id=holder.user_id, unit_id=holder.unit_id, role=holder.role,
            display_name=display_name, csrf=csrf, created_at=now, last_seen_at=now, expires_at=expires_at,
        ))
        await self.session.flush()

    async def session_of(self, token_hash: str) -> SessionRecord | None:
        row = await self.session.get(WebSession, token_hash)
        if row is None:
            return None
        return SessionRecord(Holder(row.user_id, row.unit_id, row.role), row.display_name, row.csrf,
                             row.last_seen_at, row.expires_at)

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

    async def virtual_user(self, unit_id: str, role: str) -> WebUserRecord | None:
        """The inactive stand-in created for (unit, role) by an earlier link, if any."""
        return _user(await self.session.scalar(
            select(User).where(User.unit_id == unit_id, User.role == role, User.active.is_(False),
                               ~User.identities.any()).order_by(User.id)
        ))

    async def add_virtual_user(self, unit_id: str, role: str, display_name: str) -> WebUserRecord:
        """An inactive stand-in for (unit, role): whom a link names when nobody of it has registered."""
        user = User(unit_id=unit_id, role=role, active=False, display_name=display_name)
        self.session.add(user)
        await self.session.flush()
        return _record(user)
