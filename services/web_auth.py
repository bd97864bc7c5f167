"""Sign-in to the web view without passwords: one-time links (from `/web` in chat or `cchc-bot web
link`), sessions with an idle expiry, and Telegram Mini App `initData`.

- A link is a random 32-byte token; only its SHA-256 is stored. It is valid for 10 minutes and used
  at most once (a conditional UPDATE marks it, so even two simultaneous clicks give one session).
- A link names a user. When nobody of the unit and role is registered (`web link` for the Giám đốc
  before anyone joined), a *virtual* user is created inactive: it never receives reminders and no
  chat account leads to it, but reviews and audit lines can name it.
- A session is another random token (the cookie); it ends after `idle` without a request. Its CSRF
  token protects every form.
- `initData` is verified as Telegram documents it: HMAC-SHA256 of the sorted `key=value` lines with
  the key HMAC-SHA256("WebAppData", bot token); it must be at most a day old, and the Telegram
  account must belong to a registered, active user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from domain.people import ROLES, UserView
from domain.units import UnitDirectory
from services.access import may_see_unit
from services.errors import Unknown, UnknownName
from storage.repositories.web import Holder
from storage.uow import UnitOfWork, UnitOfWorkFactory

LINK_TTL = dt.timedelta(minutes=10)
INIT_DATA_MAX_AGE = dt.timedelta(days=1)
SIGN_IN_PATH = "/dang-nhap/"


class WebAuthError(UnknownName):
    """Bad input to `issue_link` (unknown unit or role). The words are presentation's (`presentation.people`)."""


@dataclass(frozen=True)
class SignInLink:
    url: str
    token: str
    expires_at: dt.datetime
    virtual: bool


@dataclass(frozen=True)
class WebUser:
    """Who a browser session belongs to."""

    user: UserView
    csrf: str
    token: str

    @property
    def sees_all_units(self) -> bool:
        return self.user.sees_all_units

    def may_see_unit(self, unit_id: str) -> bool:
        return may_see_unit(self.user, unit_id)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(at: dt.datetime) -> dt.datetime:
    """In UTC. Times are written in UTC; SQLite gives them back naive, PostgreSQL aware."""
    return at.astimezone(dt.UTC) if at.tzinfo else at.replace(tzinfo=dt.UTC)


def verify_init_data(init_data: str, bot_token: str, *, now: dt.datetime,
                     max_age: dt.timedelta = INIT_DATA_MAX_AGE) -> dict[str, Any] | None:
    """The Telegram user of a Mini App's `initData` (a dict with at least `id`), or None when the hash is
    wrong, `auth_date` is missing, in the future or older than `max_age`."""
    if not init_data or not bot_token:
        return None
    try:
        pairs = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        return None
    given = pairs.pop("hash", "")
    check = "\n".join(f"{key}={pairs[key]}" for key in sorted(pairs))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    expected = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        return None
    try:
        auth_date = dt.datetime.fromtimestamp(int(pairs["auth_date"]), dt.UTC)
        user = json.loads(pairs["user"])
    except (KeyError, ValueError, OverflowError):
        return None
    if not isinstance(user, dict) or "id" not in user:
        return None
    if auth_date > now + dt.timedelta(minutes=5) or now - auth_date > max_age:
        return None
    return user


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """What Telegram does to build `initData` (used by tests and the demo to open the Mini App)."""
    from urllib.parse import urlencode

    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


class WebAuthService:
    def __init__(self, uow: UnitOfWorkFactory, units: UnitDirectory, *, base_url: str,
                 idle: dt.timedelta, bot_token: str | None, virtual_name: Callable[[str, str], str]) -> None:
        self.uow = uow
        # (unit name, role) → the name a virtual web user is stored under (presentation.people)
        self.name_virtual = virtual_name
        self.units = units
        self.base_url = base_url.rstrip("/")
        self.idle = idle
        self.bot_token = bot_token

    # -- links -----------------------------------------------------------------------------------
    async def issue_link(self, *, now: dt.datetime, user: UserView | None = None, unit_id: str | None = None,
                         role: str | None = None) -> SignInLink:
        """A one-time link for `user`, or for the first registered person of (unit, role) — a virtual
        one when there is nobody."""
        now = _aware(now)
        token = secrets.token_urlsafe(32)
        virtual = False
        async with self.uow() as uow:
            if user is None:
                if role not in ROLES:
                    raise WebAuthError(Unknown.ROLE, role, ROLES)
                if unit_id is None or self.units.get(unit_id) is None:
                    raise WebAuthError(Unknown.UNIT, unit_id)
                found = await uow.web.first_user(unit_id, role) or await uow.web.virtual_user(unit_id, role)
                if found is None:
                    await uow.plans.sync_units(self.units)  # a fresh database has no unit rows yet
                    found = await uow.web.add_virtual_user(unit_id, role, self.virtual_name(unit_id, role))
                virtual = not found.active
                holder = Holder(found.id, found.unit_id, found.role)
            else:
                holder = Holder(user.id, user.unit_id, user.role)
            await uow.web.add_sign_in(_hash(token), holder, now, now + LINK_TTL)
            await uow.commit()
        return SignInLink(f"{self.base_url}{SIGN_IN_PATH}{token}", token, now + LINK_TTL, virtual)

    def virtual_name(self, unit_id: str, role: str) -> str:
        return self.name_virtual(self.units.name(unit_id), role)

    async def redeem(self, token: str, *, now: dt.datetime) -> WebUser | None:
        """A new session from a link, or None when the link is unknown, used or expired."""
        now = _aware(now)
        async with self.uow() as uow:
            link = await uow.web.redeem(_hash(token), now)
            if link is None:
                await uow.commit()
                return None
            user = await uow.web.user(link.user_id) if link.user_id else None
            view = UserView(id=link.user_id or 0, unit_id=link.unit_id, role=link.role,
                            display_name=user.display_name if user else "")
            session = await self._open(uow, view, now)
            await uow.commit()
        return session

    async def from_init_data(self, init_data: str, *, now: dt.datetime) -> WebUser | None:
        """A session for the registered Telegram user who opened the Mini App, or None."""
        now = _aware(now)
        tg_user = verify_init_data(init_data, self.bot_token or "", now=now)
        if tg_user is None:
            return None
        async with self.uow() as uow:
            view = await uow.users.view_by_identity("telegram", str(tg_user["id"]))
            if view is None:
                return None
            session = await self._open(uow, view, now)
            await uow.commit()
        return session

    async def _open(self, uow: UnitOfWork, view: UserView, now: dt.datetime) -> WebUser:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        await uow.web.purge(now)
        await uow.web.add_session(_hash(token), Holder(view.id or None, view.unit_id, view.role),
                                  display_name=view.display_name, csrf=csrf, now=now, expires_at=now + self.idle)
        return WebUser(view, csrf, token)

    # -- sessions --------------------------------------------------------------------------------
    async def session(self, token: str | None, *, now: dt.datetime) -> WebUser | None:
        """The live session of a cookie; each request pushes the idle expiry on (written at most once a
        minute, so reading pages costs no write per request)."""
        if not token:
            return None
        now = _aware(now)
        key = _hash(token)
        async with self.uow() as uow:
            row = await uow.web.session_of(key)
            if row is None:
                return None
            if _aware(row.expires_at) <= now:
                await uow.web.end_session(key)
                await uow.commit()
                return None
            if now - _aware(row.last_seen_at) >= dt.timedelta(minutes=1):
                await uow.web.touch(key, now, now + self.idle)
                await uow.commit()
            holder = row.holder
            view = UserView(id=holder.user_id or 0, unit_id=holder.unit_id, role=holder.role,
                            display_name=row.display_name)
            return WebUser(view, row.csrf, token)

    async def sign_out(self, token: str) -> None:
        async with self.uow() as uow:
            await uow.web.end_session(_hash(token))
            await uow.commit()
