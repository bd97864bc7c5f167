"""Roles and the view of a registered person that the conversation core works with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ROLES = ("head", "officer", "coordinator", "leader", "admin")


@dataclass(frozen=True)
class UserView:
    """The registered sender, as handlers need it (no ORM object leaks out of the services)."""

    id: int
    unit_id: str
    role: str
    display_name: str = ""

    @property
    def sees_all_units(self) -> bool:
        return self.role in ("coordinator", "leader", "admin")

    @property
    def can_write(self) -> bool:
        return self.role in ("head", "officer", "coordinator", "admin")

    @property
    def is_coordinator(self) -> bool:
        return self.role in ("coordinator", "admin")


@dataclass(frozen=True)
class PersonRecord:
    """A person as the operator manages them (`cchc-bot users list`, docs/contracts.md §9)."""

    id: int
    name: str
    unit_id: str
    role: str
    channels: tuple[str, ...]
    active: bool
    last_seen: dt.datetime | None
