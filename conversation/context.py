"""What a handler receives and returns.

A handler is `async def handle(ctx: Context) -> list[Reply]`. It reads the understood message
(`ctx.nlu`), the registered sender (`ctx.user`, None for strangers) and the bot's notion of today, calls
services through `ctx.app`, and returns neutral replies — it never talks to a messenger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from conversation.state import ChatState
from domain.messages import Incoming, Reply
from domain.people import ROLES, UserView

if TYPE_CHECKING:
    from conversation.callbacks import ButtonData
    from conversation.nlu import NluResult
    from services.container import App

B = TypeVar("B", bound="ButtonData")

__all__ = ["ROLES", "Context", "UserView"]


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
    # The `awaiting` entry of the chat state when this text answers a question of the bot.
    state: dict[str, Any] = field(default_factory=dict)
    # The pressed button, decoded and checked (conversation.callbacks); None for a text message.
    button: ButtonData | None = None
    # True when the button was "pressed" by typing its number («1») on a channel without buttons.
    by_number: bool = False
    # The chat's state as it was when the message arrived (conversation.state).
    chat: ChatState = field(default_factory=ChatState)
    # The task this answer is about: the router remembers it with the answer's buttons, in one write,
    # so that «xong rồi» right after it is understood as this task (and confirmed first).
    focus: int | None = None
    # Set by conversation.state.change: the chat state was written during this message.
    chat_written: bool = False

    @property
    def sender(self) -> UserView:
        """The registered sender. Only public handlers (register, help) see strangers — the router
        answers a stranger before any other handler runs — so everywhere else this is never None."""
        if self.user is None:
            raise LookupError("a stranger reached a handler that is not public")
        return self.user

    def pressed(self, kind: type[B]) -> B:
        """The pressed button as the kind its handler is registered for (`@callback(kind)`)."""
        if not isinstance(self.button, kind):
            raise TypeError(f"expected a {kind.__name__} button, got {self.button!r}")
        return self.button

    def reply(self, text: str, **kwargs: Any) -> list[Reply]:
        return [Reply(text=text, **kwargs)]
