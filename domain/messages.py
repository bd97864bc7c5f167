"""Neutral messages: what every channel turns its updates into, and what it renders back.

The conversation core only ever sees these types. A channel (console, Telegram, Zalo) adapts its own
update objects to `Incoming` and renders each `Reply` in its own way (HTML and inline keyboards on
Telegram, numbered choices on Zalo, plain text on the console).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

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
    source_id: str | None = None  # a pressed button: the id of the message that carries it

    @property
    def idempotency_key(self) -> str | None:
        return f"{self.channel}:{self.chat_id}:{self.message_id}" if self.message_id else None

    @property
    def press_key(self) -> str | None:
        """The same button on the same answer pressed again has the same key (so it acts once)."""
        if self.callback_data is not None and self.source_id:
            return f"{self.channel}:{self.chat_id}:press:{self.source_id}:{self.callback_data}"[:200]
        return self.idempotency_key


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


class FileTooBig(Exception):
    """The messenger refuses to hand over a file because of its size (Telegram's getFile: over 20 MB)."""


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
    submit: Callable[[dict[str, Any]], Awaitable[None]]


class Engine(Protocol):
    async def handle(self, message: Incoming) -> list[Reply]: ...


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """A reply as JSON-able data (the durable inbox keeps the answers until they are sent)."""
    data: dict[str, Any] = {"text": reply.text, "buttons": [[[b.text, b.data] for b in row] for row in reply.buttons]}
    if reply.file is not None:
        f = reply.file
        data["file"] = {"path": str(f.path), "name": f.name, "mime_type": f.mime_type, "caption": f.caption,
                        "as_photo": f.as_photo}
    for name in ("channel", "chat_id"):
        if getattr(reply, name) is not None:
            data[name] = getattr(reply, name)
    if reply.private_only:
        data["private_only"] = True
    if reply.edit:
        data["edit"] = True
    return data


def reply_from_dict(data: dict[str, Any]) -> Reply:
    file = data.get("file")
    return Reply(
        text=data.get("text", ""),
        buttons=[[Button(text, value) for text, value in row] for row in data.get("buttons", [])],
        file=OutgoingFile(Path(file["path"]), file["name"], file["mime_type"], file["caption"], file["as_photo"])
        if file else None,
        channel=data.get("channel"),
        chat_id=data.get("chat_id"),
        private_only=bool(data.get("private_only")),
        edit=bool(data.get("edit")),
    )
