"""Zalo update → neutral `Incoming`.

The platform sends `{"event_name": ..., "message": {...}}`. Field names are not settled across the
sources we could read (a photo URL has been seen as `photo_url`, as `photo` — a string, an object or a
list — and as `attachments[].url`), so every lookup here tries the known spellings and ignores
what it does not recognise instead of failing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from domain.messages import ZALO, Attachment, Incoming

log = logging.getLogger(__name__)

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"

_URL_KEYS = ("url", "photo_url", "photoUrl", "image_url", "imageUrl", "media_url", "download_url", "src")

Fetcher = Callable[[str, Attachment], Awaitable[bytes]]


@dataclass
class Parsed:
    """What the channel needs from one update. `incoming` is None for what the engine cannot use
    (stickers, files and voice the Bot API does not hand over); `kind` says which, so the channel can
    answer with a hint instead of silence."""

    kind: str  # "text" | "image" | "sticker" | "withheld" | "unsupported" | "ignored"
    incoming: Incoming | None
    chat_id: str | None = None
    is_group: bool = False


def unwrap(update: dict[str, Any]) -> dict[str, Any]:
    """The update itself, also from a webhook body shaped `{"ok": true, "result": update}`."""
    if isinstance(update.get("result"), dict) and "event_name" not in update:
        return update["result"]
    return update


def parse_update(update: dict[str, Any], fetch: Fetcher) -> Parsed:
    """Turn one update into a `Parsed`; `fetch(url, attachment)` downloads a photo when asked."""
    if not isinstance(update, dict):
        return Parsed("ignored", None)
    update = unwrap(update)
    message = update.get("message")
    event = str(update.get("event_name") or "")
    if not isinstance(message, dict):
        return Parsed("ignored", None)
    sender = _object(message.get("from"))
    chat = _object(message.get("chat"))
    sender_id = _str(sender.get("id"))
    chat_id = _str(chat.get("id")) or sender_id
    if not sender_id or not chat_id:
        log.warning("Zalo update without sender or chat ignored: event=%s", event)
        return Parsed("ignored", None)
    if sender.get("is_bot"):
        return Parsed("ignored", None, chat_id)
    is_group = str(chat.get("chat_type") or "PRIVATE").upper() == "GROUP"
    message_id = _str(message.get("message_id")) or None
    sender_name = _str(sender.get("display_name") or sender.get("name"))

    def incoming(text: str, attachments: list[Attachment] | None = None) -> Incoming:
        return Incoming(
            channel=ZALO, sender_id=sender_id, chat_id=chat_id, text=text, message_id=message_id,
            attachments=attachments or [], sender_name=sender_name, is_group=is_group,
        )

    image_url = photo_url(message) or (_url(message.get("url")) if event == IMAGE else None)
    if event == IMAGE or (image_url and event != STICKER):
        if not image_url:
            log.warning("Zalo image update without a recognisable URL (keys: %s)", sorted(message))
            return Parsed("unsupported", None, chat_id, is_group)
        attachment = Attachment(kind="photo", url=image_url, file_id=message_id, mime_type="image/jpeg")
        attachment.fetch = _bind(fetch, image_url, attachment)
        text = _str(message.get("caption") or message.get("text"))
        return Parsed("image", incoming(text, [attachment]), chat_id, is_group)
    if event == STICKER:
        return Parsed("sticker", None, chat_id, is_group)
    if event == UNSUPPORTED:  # documented: the content is withheld from the bot (a protected user)
        return Parsed("withheld", None, chat_id, is_group)
    text = _str(message.get("text"))
    if event == TEXT or text:
        if not text.strip():
            return Parsed("ignored", None, chat_id, is_group)
        return Parsed("text", incoming(text), chat_id, is_group)
    return Parsed("unsupported", None, chat_id, is_group)


def photo_url(message: dict[str, Any]) -> str | None:
    """The image URL under any of the spellings seen so far. A bare top-level `url` is not read here:
    on a text message it may be a shared link, so only an image event trusts it."""
    for key in _URL_KEYS:
        if key != "url" and (found := _url(message.get(key))):
            return found
    found = _from_photo(message.get("photo"))
    if found:
        return found
    for item in message.get("attachments") or []:
        if not isinstance(item, dict):
            continue
        hint = f"{item.get('type') or ''} {item.get('media_type') or ''}".lower().strip()
        if hint and "image" not in hint and "photo" not in hint:
            continue
        for candidate in (item, item.get("payload"), item.get("data")):
            if isinstance(candidate, dict) and (found := _first_url(candidate)):
                return found
    return None


def _from_photo(value: Any) -> str | None:
    if isinstance(value, str):
        return _url(value)
    if isinstance(value, dict):
        return _first_url(value)
    if isinstance(value, list):  # Telegram-style sizes: the last is the largest
        for entry in reversed(value):
            found = _url(entry) if isinstance(entry, str) else _first_url(entry) if isinstance(entry, dict) else None
            if found:
                return found
    return None


def _first_url(record: dict[str, Any]) -> str | None:
    for key in _URL_KEYS:
        if found := _url(record.get(key)):
            return found
    return None


def _url(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def _object(value: object) -> dict[str, Any]:
    """A JSON object of the update, or an empty one when the field is missing or of another type."""
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _bind(fetch: Fetcher, url: str, attachment: Attachment) -> Callable[[], Awaitable[bytes]]:
    async def run() -> bytes:
        return await fetch(url, attachment)

    return run
