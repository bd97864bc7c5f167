"""People: invites, registration, identification and roles."""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, replace
from enum import StrEnum

from domain.invite_codes import new_code
from domain.people import ROLES, UserView
from domain.units import UnitDirectory
from services.errors import Unknown, UnknownName
from storage.uow import Conflict, UnitOfWorkFactory

log = logging.getLogger(__name__)

GUESS_LIMIT = 5  # wrong invite codes a sender may try…
GUESS_WINDOW = dt.timedelta(minutes=1)  # …in any such window; then it waits


class InviteError(UnknownName):
    """An invite for a unit or role that does not exist. The words are presentation's (`presentation.people`)."""


@dataclass(frozen=True)
class InviteInfo:
    code: str
    unit_id: str
    role: str
    expires_at: dt.datetime


class RegisterKind(StrEnum):
    """What became of the request (`RegisterOutcome.message_key`)."""

    REGISTERED = "registered"
    LINKED = "linked"
    ALREADY = "already"
    UNKNOWN_CODE = "unknown_code"
    EXPIRED = "expired"
    USED = "used"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class RegisterOutcome:
    ok: bool
    message_key: RegisterKind
    user: UserView | None = None
    wait_seconds: int = 0  # throttled: how long before the next attempt

    @property
    def person(self) -> UserView:
        """Who registered or linked (`ok`): such an outcome always names them."""
        if self.user is None:
            raise LookupError(f"a {self.message_key} registration outcome names nobody")
        return self.user


class UserService:
    def __init__(self, uow: UnitOfWorkFactory, units: UnitDirectory, invite_ttl_days: int = 7) -> None:
        self.uow = uow
        self.units = units
        self.invite_ttl = dt.timedelta(days=invite_ttl_days)
        # wrong invite codes per sender: 5 a minute, then a wait — counted in the database
        # (`failed_attempts`), so several processes together allow no more
        self.guess_limit = GUESS_LIMIT
        self.guess_window = GUESS_WINDOW

    def _check(self, unit_id: str, role: str) -> None:
        """A person belongs to one of the department's own units, with one of the known roles."""
        unit = self.units.get(unit_id)
        if unit is None or unit.is_external:
            raise InviteError(Unknown.UNIT, unit_id, [u.id for u in self.units.member_units])
        if role not in ROLES:
            raise InviteError(Unknown.ROLE, role, ROLES)

    async def identify(self, channel: str, external_id: str) -> UserView | None:
        async with self.uow() as uow:
            return await uow.users.view_by_identity(channel, external_id)

    async def create_invite(
        self, unit_id: str, role: str, *, now: dt.datetime, for_user_id: int | None = None
    ) -> InviteInfo:
        self._check(unit_id, role)
        async with self.uow() as uow:
            repo = uow.users
            await uow.plans.sync_units(self.units)
            for _ in range(20):
                code = new_code()
                if not await repo.code_exists(code):
                    break
            expires = now + self.invite_ttl
            await repo.add_invite(
                code=code, unit_id=unit_id, role=role, created_at=now, expires_at=expires, for_user_id=for_user_id
            )
            await uow.commit()
        return InviteInfo(code, unit_id, role, expires)

    async def register(
        self, *, channel: str, external_id: str, chat_id: str | None, code: str, display_name: str, now: dt.datetime
    ) -> RegisterOutcome:
        """Bind a channel account to a user with a one-time code (or link a second channel)."""
        code = code.strip().upper()
        sender = f"invite:{channel}:{external_id}"
        async with self.uow() as uow:
            wait = await uow.attempts.wait(sender, now, self.guess_limit, self.guess_window)
        if wait > dt.timedelta(0):
            return RegisterOutcome(False, RegisterKind.THROTTLED, wait_seconds=math.ceil(wait.total_seconds()))
        outcome = await self._register(channel, external_id, chat_id, code, display_name, now)
        if outcome.message_key in ("unknown_code", "used", "expired"):
            await self._count_guess(sender, now)
        return outcome

    async def _count_guess(self, sender: str, now: dt.datetime) -> None:
        async with self.uow() as uow:
            await uow.attempts.record_failure(sender, now, self.guess_limit, self.guess_window)
            await uow.commit()
        try:  # housekeeping, in a transaction of its own: senders quiet for a window are forgotten
            async with self.uow() as uow:
                await uow.attempts.forget(now - self.guess_window)
                await uow.commit()
        except Exception:
            log.warning("could not forget old failed invite codes", exc_info=True)

    async def _register(
        self, channel: str, external_id: str, chat_id: str | None, code: str, display_name: str, now: dt.datetime
    ) -> RegisterOutcome:
        try:
            async with self.uow() as uow:
                repo = uow.users
                existing = await repo.view_by_identity(channel, external_id)
                if existing:
                    return RegisterOutcome(False, RegisterKind.ALREADY, existing)
                invite = await repo.invite(code, for_update=True)
                if invite is None:
                    return RegisterOutcome(False, RegisterKind.UNKNOWN_CODE)
                if invite.used_at is not None:
                    return RegisterOutcome(False, RegisterKind.USED)
                if _aware(invite.expires_at) < now:
                    return RegisterOutcome(False, RegisterKind.EXPIRED)
                if invite.for_user_id:
                    linked = await repo.get(invite.for_user_id)
                    if linked is None:  # the account the code was made for is gone: the code is void
                        return RegisterOutcome(False, RegisterKind.UNKNOWN_CODE)
                    user, key = linked, RegisterKind.LINKED
                else:
                    user = await repo.add_user(invite.unit_id, invite.role, display_name)
                    key = RegisterKind.REGISTERED
                await repo.add_identity(user.id, channel, external_id, chat_id)
                await repo.mark_used(invite.code, user.id, now)
                await uow.commit()
                return RegisterOutcome(True, key, user)
        except Conflict:  # the same account registering twice at once
            return RegisterOutcome(False, RegisterKind.ALREADY)

    async def ensure_local_user(self, channel: str, external_id: str, unit_id: str, role: str, name: str) -> UserView:
        """The console's user: created on first use, no invite needed (it is the operator's terminal)."""
        self._check(unit_id, role)
        async with self.uow() as uow:
            repo = uow.users
            await uow.plans.sync_units(self.units)
            found = await repo.view_by_identity(channel, external_id)
            if found:
                await repo.set_unit_and_role(found.id, unit_id, role)
                user = replace(found, unit_id=unit_id, role=role)
            else:
                user = await repo.add_user(unit_id, role, name)
                await repo.add_identity(user.id, channel, external_id, external_id)
            await uow.commit()
            return user

    async def link_invite(self, user: UserView, now: dt.datetime) -> InviteInfo:
        """A code that links another messenger account to the same person."""
        return await self.create_invite(user.unit_id, user.role, now=now, for_user_id=user.id)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
