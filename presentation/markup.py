"""Rendering the light markup of `Reply.text` (**bold**, _italic_) for each channel, and splitting
long texts at line boundaries so nothing is silently truncated."""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![\w*])_(.+?)_(?![\w*])", re.DOTALL)


def to_html(text: str) -> str:
    """Telegram HTML: escape everything, then turn the markup into tags."""
    escaped = html.escape(text, quote=False)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _ITALIC.sub(r"<i>\1</i>", escaped)


def to_plain(text: str) -> str:
    text = _BOLD.sub(r"\1", text)
    return _ITALIC.sub(r"\1", text)


def split_text(text: str, limit: int) -> list[str]:
    """Split at line breaks (then spaces, then hard) so each part is ≤ limit characters."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
