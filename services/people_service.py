"""People, as the operator manages them: list, change a role, deactivate, activate (docs/contracts.md §9).

Every change is written with an audit row (who, when) in the same unit of work. A deactivated person keeps
their history; the reminder planner reads only active people, and the router answers their messages with
one sentence (`presentation/accounts.py::ACCOUNT_DEACTIVATED`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.people import ROLES, PersonRecord
from domain.units import UnitDirectory
from services.errors import Unknown, UnknownName
from storage.uow import UnitOfWorkFactory


class PeopleError(UnknownName):
    """A request the operator must correct (an unknown person, unit or role). The words are presentation's (`presentation.people`)."""


@dataclass(frozen=True)
class PersonChange:
    person: PersonRecord
    field: str  # role | active
    old: str | None
    new: str
    changed: bool  # False: it already was so; nothing written


class PeopleService:
    def __init__(self, uow: UnitOfWorkFactory, units: UnitDirectory) -> None:
        self.uow = uow
        self.units = units

    async def people(self, unit_id: str | None = None) -> list[PersonRecord]:
        if unit_id is not None and self.units.get(unit_id) is None:
            raise PeopleError(Unknown.UNIT, unit_id, [unit.id for unit in self.units.member_units])
        async with self.uow() as uow:
            return await uow.people.people(unit_id)

    async def set_role(self, user_id: int, role: str, *, by: str, now: dt.datetime) -> PersonChange:
        if role not in ROLES:
            raise PeopleError(Unknown.ROLE, role, ROLES)
        return await self._change(user_id, "role", role, by, now)

    async def set_active(self, user_id: int, active: bool, *, by: str, now: dt.datetime) -> PersonChange:
        return await self._change(user_id, "active", "true" if active else "false", by, now)

    async def history(self, user_id: int) -> list[tuple[str, str | None, str, str, dt.datetime]]:
        async with self.uow() as uow:
            return await uow.people.changes(user_id)

    async def is_deactivated(self, channel: str, external_id: str) -> bool:
        async with self.uow() as uow:
            return await uow.people.deactivated(channel, external_id)

    async def _change(self, user_id: int, field: str, value: str, by: str, now: dt.datetime) -> PersonChange:
        async with self.uow() as uow:
            person = await uow.people.person(user_id)
            if person is None:
                raise PeopleError(Unknown.PERSON, user_id)
            current = person.role if field == "role" else ("true" if person.active else "false")
            if current == value:
                return PersonChange(person, field, current, value, changed=False)
            old = await uow.people.change(user_id, field, value, by, now)
            after = await uow.people.person(user_id)
            await uow.commit()
        assert after is not None
        return PersonChange(after, field, old, value, changed=True)
