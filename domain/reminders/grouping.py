"""Grouping: everything due for one person on one working day is ONE message (`PersonMessage`, most
urgent first); its kind (docs/contracts.md §4b) follows from what it carries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from domain.reminders.model import CHECKIN, DIGEST, NEW_YEAR, OVERVIEW, TARGETS, YEAR_END, DueItem, Recipient

# Kinds of a whole message (docs/contracts.md §4b).
MSG_DAILY, MSG_DIGEST, MSG_OVERVIEW, MSG_CHECKIN, MSG_YEAR_END = "daily", "digest", "overview", "checkin", "year_end"
MSG_NEW_YEAR = "new_year"


def message_key(day: dt.date, user_id: int) -> str:
    """One reminder message per person per working day: the ledger key of that message."""
    return f"msg:{day.isoformat()}:u{user_id}"


@dataclass
class PersonMessage:
    """Everything due for one person on one day, as one chat message (docs/contracts.md §4b)."""

    key: str
    user_id: int | None
    unit_id: str
    role: str
    day: dt.date
    items: list[DueItem]

    @property
    def kind(self) -> str:
        kinds = {i.kind for i in self.items}
        if YEAR_END in kinds:
            return MSG_YEAR_END
        if NEW_YEAR in kinds:
            return MSG_NEW_YEAR
        if OVERVIEW in kinds:
            return MSG_OVERVIEW
        if DIGEST in kinds:
            return MSG_DIGEST
        if kinds <= {CHECKIN, TARGETS}:
            return MSG_CHECKIN
        return MSG_DAILY


def group_messages(items: Iterable[DueItem], day: dt.date, people: dict[int, Recipient]) -> list[PersonMessage]:
    """Each person's items of the day → one message, most urgent first."""
    by_person: dict[int, list[DueItem]] = defaultdict(list)
    for item in items:
        for uid in item.recipients:
            by_person[uid].append(item)
    messages = []
    for uid, mine in sorted(by_person.items()):
        person = people.get(uid)
        mine.sort(key=lambda i: i.urgency)
        messages.append(PersonMessage(
            key=message_key(day, uid), user_id=uid, unit_id=person.unit_id if person else "",
            role=person.role if person else "", day=day, items=mine,
        ))
    return messages


