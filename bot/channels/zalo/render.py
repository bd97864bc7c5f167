"""`Reply` → the plain texts Zalo accepts.

Zalo bots have no inline buttons, so a reply's buttons become numbered lines ("1. ✅ Hoàn thành"),
numbered row by row, left to right — the same flattened order in which the router remembers the
buttons' data, so that answering "1" presses the first one. Markup (**bold**, _italic_) is dropped:
sendMessage takes plain text. Texts over 2,000 characters are split at line breaks, and the choices
always travel together at the end of the last part so the numbers are never separated from the
question they answer.
"""

from __future__ import annotations

from domain.messages import Reply
from presentation.channels import ZALO_CHOICE_HINT, ZALO_FILE_NOTE
from presentation.markup import split_text, to_plain

from .client import MESSAGE_LIMIT


def choice_lines(reply: Reply) -> list[str]:
    labels = [button.text for row in reply.buttons for button in row]
    return [f"{number}. {label}" for number, label in enumerate(labels, 1)]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: an emoji outside the BMP counts 2 (split on the safe side in case
    Zalo counts its 2,000-character limit that way)."""
    return len(text.encode("utf-16-le")) // 2


def _split(text: str, limit: int) -> list[str]:
    """`split_text`, then any part still over `limit` UTF-16 units split again, tighter."""
    parts: list[str] = []
    for part in split_text(text, limit):
        size = utf16_len(part)
        if size <= limit:
            parts.append(part)
        else:
            parts.extend(_split(part, max(1, limit * len(part) // size - 1)) if len(part) > 1 else [part])
    return parts


def render(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The messages to send for `reply`, each 1..limit characters (UTF-16 units), in order."""
    body = to_plain(reply.text).strip()
    if reply.file is not None:
        note = reply.file.caption.strip() if reply.file.caption else ""
        body = "\n".join(part for part in (body, note, ZALO_FILE_NOTE.format(name=reply.file.name)) if part)
    choices = choice_lines(reply)
    block = "\n".join([ZALO_CHOICE_HINT, *choices]) if choices else ""
    if not body and not block:
        return []
    if not block:
        return [p for p in _split(body, limit) if p.strip()]
    whole = f"{body}\n\n{block}" if body else block
    if utf16_len(whole) <= limit:
        return [whole]
    if utf16_len(block) > limit:  # more choices than one message holds: they are split like any text
        return [p for p in _split(whole, limit) if p.strip()]
    parts = [p for p in _split(body, limit) if p.strip()]
    if parts and utf16_len(parts[-1]) + 2 + utf16_len(block) <= limit:
        parts[-1] = f"{parts[-1]}\n\n{block}"
    else:
        parts.append(block)
    return parts
