"""Which handler serves which intent or button. Handler modules register themselves on import:

    @intent("task_info")
    async def show_task(ctx: Context) -> list[Reply]: ...

    @callback(SetStatus)     # buttons whose data is "st:<lead>:<status>" (conversation.callbacks)
    async def press_status(ctx: Context) -> list[Reply]: ...

`public=True` marks what an unregistered sender may use (register, help, greeting).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from conversation.callbacks import ButtonData
from conversation.context import Context
from domain.messages import Reply

Handler = Callable[[Context], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    public: bool = False


INTENTS: dict[str, Route] = {}
CALLBACKS: dict[str, Route] = {}


@dataclass(frozen=True)
class RouterWords:
    """What the router says on its own — an apology, a stranger, an old button. The words live in
    presentation/ and reach the router the way handlers do, registered on import (`handlers/router_words.py`),
    so that the conversation core never imports presentation (presentation imports the button codec)."""

    apology: str
    not_registered: str
    account_deactivated: str  # a person the office deactivated writes again
    old_button: str
    invalid_button: str
    no_choice: Callable[[int], str]  # «3» typed, but the last answer had fewer buttons
    no_next_page: str  # «xem tiếp» with no page after the last answer
    next_mark: str  # how the «next page» button's text ends
    long_message_note: Callable[[int], str]  # a long message was read in part (how many characters)


_words: list[RouterWords] = []


def router_words(words: RouterWords | None = None) -> RouterWords:
    """Register the router's words (with `words`), or read them."""
    if words is not None:
        _words[:] = [words]
    if not _words:
        raise RuntimeError("the router's words are not registered: call handlers.load_all() first")
    return _words[0]


def _register(table: dict[str, Route], key: str, route: Route, what: str) -> None:
    """Two modules claiming one intent or button prefix would make the winner depend on import
    order; refuse it at start-up instead."""
    existing = table.get(key)
    if existing is not None and existing.handler is not route.handler:
        raise RuntimeError(
            f"{what} «{key}» đã do {existing.handler.__module__}.{existing.handler.__qualname__} xử lý; "
            f"không thể gán thêm cho {route.handler.__module__}.{route.handler.__qualname__}"
        )
    table[key] = route


def intent(*names: str, public: bool = False) -> Callable[[Handler], Handler]:
    def wrap(fn: Handler) -> Handler:
        for name in names:
            _register(INTENTS, name, Route(fn, public), "intent")
        return fn

    return wrap


def callback(kind: str | type[ButtonData], public: bool = False) -> Callable[[Handler], Handler]:
    """`kind`: a button kind of `conversation.callbacks` (its data reaches the handler as `ctx.button`)."""
    prefix = kind if isinstance(kind, str) else kind.PREFIX

    def wrap(fn: Handler) -> Handler:
        _register(CALLBACKS, prefix, Route(fn, public), "nút")
        return fn

    return wrap
