"""The people who use the bot, as the operator manages them (`cchc-bot users …`, docs/contracts.md §9)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.people import PersonRecord
from storage.models import Evidence, Identity, StatusUpdate, User, UserChange, WebSession


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def people(self, unit_id: str | None = None) -> list[PersonRecord]:
        """Everyone with a channel account (the web view's inactive stand-ins have none and are left out),
        with their channels and when they were last seen doing something (a status update, evidence, the
        web view; else when they registered)."""
        query = select(User).where(User.identities.any()).order_by(User.id)
        if unit_id is not None:
            query = query.where(User.unit_id == unit_id)
        users = list((await self.session.scalars(query)).all())
        ids = [user.id for user in users]
        channels: dict[int, list[str]] = {}
        for user_id, channel in (await self.session.execute(
            select(Identity.user_id, Identity.channel).where(Identity.user_id.in_(ids)).order_by(Identity.id)
        )).all():
            if channel not in channels.setdefault(user_id, []):
                channels[user_id].append(channel)
        seen: dict[int, dt.datetime] = {}
        for column_user, column_at in (
            (Identity.user_id, Identity.created_at), (StatusUpdate.user_id, StatusUpdate.created_at),
            (Evidence.user_id, Evidence.created_at), (WebSession.user_id, WebSession.last_seen_at),
        ):
            rows = await self.session.execute(
                select(column_user, func.max(column_at)).where(column_user.in_(ids)).group_by(column_user)
            )
            for who, when in rows.all():
                stamp = _aware(when)
                if who is not None and stamp is not None and (who not in seen or stamp > seen[who]):
                    seen[who] = stamp
        return [
            PersonRecord(user.id, user.display_name or "", user.unit_id, user.role, tuple(channels.get(user.id, ())),
                         bool(user.active), seen.get(user.id))
            for user in users
        ]

    async def person(self, user_id: int) -> PersonRecord | None:
        user = await self.session.get(User, user_id)
        if user is None or user.id is None:
            return None
        found = [p for p in await self.people(user.unit_id) if p.id == user_id]
        return found[0] if found else None

    async def change(self, user_id: int, field: str, value: str, by: str, at: dt.datetime) -> str | None:
        """Set the user's role or active flag and write the audit row; returns the old value."""
        user = await self.session.get(User, user_id)
        assert user is not None
        if field == "role":
            old = user.role
            user.role = value
        else:
            old = "true" if user.active else "false"
            user.active = value == "true"
        # in UTC: SQLite keeps the wall time and drops the zone
        self.session.add(UserChange(user_id=user_id, field=field, old_value=old, new_value=value, changed_by=by,
                                    changed_at=at.astimezone(dt.UTC)))
        await self.session.flush()
        return old

    async def changes(self, user_id: int) -> list[tuple[str, str | None, str, str, dt.datetime]]:
        rows = await self.session.execute(
            select(UserChange.field, UserChange.old_value, UserChange.new_value, UserChange.changed_by,
                   UserChange.changed_at).where(UserChange.user_id == user_id).order_by(UserChange.id)
        )
        return [(f, o, n, b, _aware(at) or at) for f, o, n, b, at in rows.all()]

    async def deactivated(self, channel: str, external_id: str) -> bool:
        """Is this channel account a person the operator deactivated?"""
        return bool(await self.session.scalar(
            select(func.count()).select_from(User).join(Identity, Identity.user_id == User.id)
            .where(Identity.channel == channel, Identity.external_id == external_id, User.active.is_(False))
        ))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive date-times: they were written in UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
