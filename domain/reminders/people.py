"""Who can be reminded, and through which channel: the rules the repository used to write in SQL.

A deactivated person (`users deactivate`) is nobody's recipient. A person's routes are their reachable
identities on the channels that are running (None: any channel — the dry run), their preferred channel
first, then Telegram, Zalo, the console, then any other, oldest identity first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from domain.reminders.model import PersonRow, Recipient, Route
from domain.reminders.policy import ReminderPolicy

CHANNEL_ORDER = {"telegram": 0, "zalo": 1, "console": 2}


@dataclass
class Audience:
    """The active people, each with their routes in the order they are tried."""

    recipients: list[Recipient] = field(default_factory=list)
    routes: dict[int, list[Route]] = field(default_factory=dict)


def route_order(route: Route, preferred: str | None) -> tuple[bool, int, int]:
    return (route.channel != preferred, CHANNEL_ORDER.get(route.channel, 9), route.identity_id)


def audience(rows: Iterable[PersonRow], channels: Iterable[str] | None = None) -> Audience:
    """Every active person with their reachable routes; `channels` limits to the senders running."""
    allowed = set(channels) if channels is not None else None
    people: dict[int, PersonRow] = {}
    found = Audience()
    for row in rows:
        if not row.active:
            continue
        people.setdefault(row.user_id, row)
        usable = row.identity_id is not None and row.reachable and bool(row.chat_id) and row.channel is not None
        if usable and (allowed is None or row.channel in allowed):
            assert row.identity_id is not None and row.channel is not None and row.chat_id is not None
            found.routes.setdefault(row.user_id, []).append(Route(row.identity_id, row.channel, row.chat_id))
    for uid, person in people.items():
        mine = found.routes.get(uid, [])
        mine.sort(key=partial(route_order, preferred=person.preferred_channel))
        found.recipients.append(Recipient(
            user_id=uid, unit_id=person.unit_id, role=person.role, enabled=person.enabled,
            days_before=person.days_before, snoozed_until=person.snoozed_until,
            channels=tuple(r.channel for r in mine),
        ))
    return found


def digest_people(recipients: Iterable[Recipient], policy: ReminderPolicy, delegates: dict[str, tuple[str, str]],
                  now: dt.datetime) -> dict[str, list[Recipient]]:
    """unit → who gets its weekly digest: its heads, and its delegate (units.yaml `reminders_to`)."""
    awake = [r for r in recipients if not r.paused(now)]
    heads: dict[str, list[Recipient]] = defaultdict(list)
    for r in awake:
        if r.wants_digest(policy):
            heads[r.unit_id].append(r)
    for unit_id, (to_unit, role) in delegates.items():
        for r in awake:
            if (r.unit_id, r.role) == (to_unit, role) and r.wants_delegated() and r not in heads[unit_id]:
                heads[unit_id].append(r)
    return {u: rs for u, rs in heads.items() if rs}
