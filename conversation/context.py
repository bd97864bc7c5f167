"""What a handler receives and returns.

A handler is `async def handle(ctx: Context) -> list[Reply]`. It reads the understood message
(`ctx.nlu`), the registered sender (`ctx.user`, None for strangers) and the bot's notion of today, calls
services through `ctx.app`, and returns neutral replies — it never talks to a messenger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from domain.messages import Incoming, Reply
from domain.people import ROLE_NAMES, ROLES, UserView

if TYPE_CHECKING:
    from conversation.nlu import NluResult
    from services.container import App

__all__ = ["ROLES", "ROLE_NAMES", "Context", "UserView"]


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
