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
from presentation.markup import split_text, to_plain

from .client import MESSAGE_LIMIT

CHOICE_HINT = "Trả lời bằng số để chọn:"
FILE_NOTE = "📎 Tệp «{name}»: Zalo chưa gửi được tệp này — anh/chị xem trên Telegram hoặc liên hệ Văn phòng Sở."


def choice_lines(reply: Reply) -> list[str]:
    labels = [button.text for row in reply.buttons for button in row]
    return [f"{number}. {label}" for number, label in enumerate(labels, 1)]


def render(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The messages to send for `reply`, each 1..limit characters, in order."""
    body = to_plain(reply.text).strip()
    if reply.file is not None:
        note = reply.file.caption.strip() if reply.file.caption else ""
        body = "\n".join(part for part in (body, note, FILE_NOTE.format(name=reply.file.name)) if part)
    choices = choice_lines(reply)
    block = "\n".join([CHOICE_HINT, *choices]) if choices else ""
    if not body and not block:
        return []
    if not block:
        return [p for p in split_text(body, limit) if p.strip()]
    whole = f"{body}\n\n{block}" if body else block
    if len(whole) <= limit:
        return [whole]
    if len(block) > limit:  # more choices than one message holds: they are split like any text
        return [p for p in split_text(whole, limit) if p.strip()]
    parts = [p for p in split_text(body, limit) if p.strip()]
    if parts and len(parts[-1]) + 2 + len(block) <= limit:
        parts[-1] = f"{parts[-1]}\n\n{block}"
    else:
        parts.append(block)
    return parts
