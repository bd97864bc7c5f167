"""Helpers for the coordinator-tools tests (export, charts, review, broadcast): people with a chat on a
test channel, evidence rows inserted directly, and handler contexts built without the NLU."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from conversation.callbacks import decode
from conversation.context import Context
from domain.messages import Incoming
from domain.people import UserView
from storage.models import Evidence

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CHANNEL = "test"
_ids = itertools.count(50_000)


@dataclass
class Nlu:
    """The slots handlers read (the NLU's own result type has more; these tests need no parser)."""

    intent: str = "unknown"
    task: int | None = None
    unit: str | None = None
    period: object | None = None
    status: str | None = None
    percent: int | None = None
    report: str | None = None
    section: int | None = None
    code: str | None = None
    note: str | None = None
    confidence: float = 1.0
    choice: int | None = None


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2022) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


async def person(app, unit: str, role: str, name: str, chat: str | None = None) -> UserView:
    """A registered user whose chat on the test channel is `chat` (default: unit-role)."""
    chat = chat or f"{unit}-{role}"
    return await app.users.ensure_local_user(CHANNEL, chat, unit, role, name)


async def set_status(app, user: UserView, task: int, status: str, when: dt.datetime, *, percent: int | None = None,
                     note: str | None = None, lead_id: int | None = None) -> int:
    """Record a status through the status service (the real write path); returns the lead id."""
    outcome = await app.statuses.update(
        user, task=task, status=status, percent=percent, note=note, channel=CHANNEL, text=None, key=None,
        now=when, lead_id=lead_id,
    )
    assert outcome.kind == "recorded", (task, outcome.kind)
    return outcome.lead.lead_id


async def lead_of(app, task: int, unit: str) -> int:
    leads = await app.queries.leads(unit_ids=[unit], task=task)
    assert leads, (task, unit)
    return leads[0].lead_id


async def add_evidence(app, lead_id: int, user: UserView | None, name: str, when: dt.datetime, *,
                       mime: str = "application/pdf", path: str | None = None, caption: str | None = None) -> int:
    """An evidence row as the evidence service would store it (pending review)."""
    digest = hashlib.sha256(f"{lead_id}:{name}:{next(_ids)}".encode()).hexdigest()
    async with app.sessions() as session, session.begin():
        row = Evidence(
            lead_id=lead_id, user_id=user.id if user else None, channel=CHANNEL, caption=caption, file_name=name,
            sha256=digest, size=12_345, mime_type=mime, path=path or f"2022/x/{digest}.pdf", created_at=when,
        )
        session.add(row)
        await session.flush()
        return row.id


def context(app, user: UserView | None, *, intent: str = "unknown", text: str = "", data: str | None = None,
            chat: str | None = None, state: dict | None = None, now: dt.datetime | None = None, **slots) -> Context:
    """A handler context as the router would build it, for a message or a button press (`data`)."""
    now = now or app.clock.now()
    chat = chat or (f"{user.unit_id}-{user.role}" if user else "stranger")
    message = Incoming(
        channel=CHANNEL, sender_id=chat, chat_id=chat, text=text, message_id=str(next(_ids)), callback_data=data,
    )
    args = data.split(":")[1:] if data else []
    return Context(
        app=app, message=message, nlu=Nlu(intent=intent, **slots), user=user, today=now.date(), now=now,
        args=args, state=state or {}, button=decode(data) if data else None,
    )
