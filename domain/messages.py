"""Neutral messages: what every channel turns its updates into, and what it renders back.

The conversation core only ever sees these types. A channel (console, Telegram, Zalo) adapts its own
update objects to `Incoming` and renders each `Reply` in its own way (HTML and inline keyboards on
Telegram, numbered choices on Zalo, plain text on the console).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

CONSOLE = "console"
TELEGRAM = "telegram"
ZALO = "zalo"
CALLBACK_DATA_MAX_BYTES = 64  # Telegram's limit; every channel keeps to it


@dataclass
class Attachment:
    """A file the user sent. `fetch` downloads its bytes (the channel knows how)."""

    kind: str  # "photo" | "document"
    file_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    url: str | None = None
    fetch: Callable[[], Awaitable[bytes]] | None = None


@dataclass
class Incoming:
    channel: str
    sender_id: str
    chat_id: str
    text: str = ""
    message_id: str | None = None  # the channel's id of this update/message: the idempotency key
    callback_data: str | None = None  # a pressed button
    attachments: list[Attachment] = field(default_factory=list)
    sender_name: str = ""
    is_group: bool = False

    @property
    def idempotency_key(self) -> str | None:
        return f"{self.channel}:{self.chat_id}:{self.message_id}" if self.message_id else None


@dataclass(frozen=True)
class Button:
    text: str
    data: str  # ≤ 64 bytes UTF-8
    # A link instead of a callback: `url` opens in the browser; with `web_app` Telegram opens it as a
    # Mini App inside the chat. Channels without link buttons print the address.
    url: str | None = None
    web_app: bool = False

    def __post_init__(self) -> None:
        if len(self.data.encode()) > CALLBACK_DATA_MAX_BYTES:
            raise ValueError(f"callback data over {CALLBACK_DATA_MAX_BYTES} bytes: {self.data!r}")


@dataclass
class OutgoingFile:
    path: Path
    name: str
    mime_type: str = "application/octet-stream"
    caption: str = ""
    as_photo: bool = False


@dataclass
class Reply:
    """One message to send. `text` uses light markup: **bold**, _italic_; lines are lines.

    `buttons` are rows of buttons; channels without buttons render them as numbered choices.
    `chat_id`/`channel` set → deliver to that chat instead of the one that asked (e.g. notify a head).
    """

    text: str = ""
    buttons: list[list[Button]] = field(default_factory=list)
    file: OutgoingFile | None = None
    channel: str | None = None
    chat_id: str | None = None
    private_only: bool = False  # contains unit data: never post in a group chat
    edit: bool = False  # a button press: replace the message that carried the button when possible


class Unreachable(Exception):
    """The recipient blocked the bot or never started it (Telegram 403)."""


class RetryLater(Exception):
    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds}s")
        self.seconds = seconds


class Sender(Protocol):
    """A channel's outbound side, used for pushes (reminders, notifications, broadcasts)."""

    channel: str

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver `reply`; raise `Unreachable` or `RetryLater` as the messenger says."""
        ...


@dataclass(frozen=True)
class Webhook:
    """An HTTP endpoint a channel in webhook mode asks the web server to serve: POSTs to `path` whose
    `header` equals `secret` are decoded as JSON and handed to `submit`."""

    channel: str
    path: str
    secret: str
    header: str
    submit: Callable[[dict], Awaitable[None]]


class Engine(Protocol):
    async def handle(self, message: Incoming) -> list[Reply]: ...
