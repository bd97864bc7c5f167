"""What a handler receives and returns.

A handler is `async def handle(ctx: Context) -> list[Reply]`. It reads the understood message
(`ctx.nlu`), the registered sender (`ctx.user`, None for strangers) and the bot's notion of today, calls
services through `ctx.app`, and returns neutral replies — it never talks to a messenger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.conversation.messages import Incoming, Reply

if TYPE_CHECKING:
    from bot.app import App
    from bot.nlu import NluResult

ROLES = ("head", "officer", "coordinator", "leader", "admin")
ROLE_NAMES = {
    "head": "trưởng đơn vị",
    "officer": "công chức",
    "coordinator": "điều phối (Văn phòng)",
    "leader": "Lãnh đạo Sở",
    "admin": "quản trị",
}


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


@dataclass
class Context:
    app: App
    message: Incoming
    nlu: NluResult
    user: UserView | None
    today: dt.date
    now: dt.datetime
    # Data a button press carried, split on ":" after the prefix (see registry.callback).
    args: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)

    def reply(self, text: str, **kwargs) -> list[Reply]:
        return [Reply(text=text, **kwargs)]
