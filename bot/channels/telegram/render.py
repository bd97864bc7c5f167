"""Neutral `Reply` → Telegram Bot API calls.

HTML parse mode, because the engine's light markup maps onto it with plain escaping (Markdown V2
would need every "." and "-" of a Vietnamese date escaped). Telegram's limits are counted on the
visible text, so the light-markup text is split first (at line breaks, 4,096 characters; captions
1,024) and each part converted on its own — a tag never spans two messages. Buttons go under the
last part, where the user's eyes are when they finish reading.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from domain.messages import Button, Reply
from presentation.markup import split_text, to_html

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
IMAGE_TYPES = {"image/jpeg", "image/png"}
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    if not rows:
        return None
    return InlineKeyboardMarkup([[_button(b) for b in row] for row in rows])


def _button(b: Button) -> InlineKeyboardButton:
    """A callback button, or a link: opened in the browser, or inside Telegram as a Mini App (`web_app`)."""
    if b.url and b.web_app:
        return InlineKeyboardButton(b.text, web_app=WebAppInfo(b.url))
    if b.url:
        return InlineKeyboardButton(b.text, url=b.url)
    return InlineKeyboardButton(b.text, callback_data=b.data)


def html_parts(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """The text as HTML messages whose visible length is ≤ limit each."""
    return [to_html(part) for part in split_text(text.strip(), limit) if part.strip()]


async def render(
    bot: Bot, chat_id: int | str, reply: Reply, *, edit_message_id: int | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send `reply` to `chat_id` (or edit the message `edit_message_id` when the reply asks for an edit
    and fits in one message). `markup` replaces the reply's own buttons (e.g. a URL button)."""
    markup = markup or keyboard(reply.buttons)
    if reply.file is not None:
        return await _send_file(bot, chat_id, reply, markup)
    parts = html_parts(reply.text)
    if not parts:
        return []
    if reply.edit and edit_message_id is not None and len(parts) == 1:
        edited = await _edit(bot, chat_id, edit_message_id, parts[0], markup)
        if edited is not None:
            return edited
    sent = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent.append(await bot.send_message(
            chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup if last else None,
            link_preview_options=NO_PREVIEW,
        ))
    return sent


async def _edit(bot: Bot, chat_id: int | str, message_id: int, html: str, markup) -> list[Message] | None:
    """Replace the text of the message under a pressed button (list paging). None: it could not be
    edited (too old, not a text message) — the caller sends a new message instead."""
    try:
        result = await bot.edit_message_text(
            html, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML, reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():  # the same page pressed twice: nothing to change
            return []
        log.info("edit failed (%s); sending a new message", exc)
        return None
    return [result] if isinstance(result, Message) else []


async def _send_file(bot: Bot, chat_id: int | str, reply: Reply, markup) -> list[Message]:
    """A file with its caption (≤ 1,024 visible characters); a longer text follows as messages."""
    outgoing = reply.file
    if outgoing is None:
        raise ValueError("a reply without a file")
    caption = outgoing.caption or reply.text
    caption_parts = split_text(caption.strip(), CAPTION_LIMIT) if caption.strip() else []
    fits = len(caption_parts) <= 1
    caption_html = to_html(caption_parts[0]) if caption_parts and fits else None
    data = await asyncio.to_thread(outgoing.path.read_bytes)  # up to 20 MB: not on the event loop
    as_photo = outgoing.as_photo and outgoing.mime_type in IMAGE_TYPES
    file, button_row = InputFile(data, filename=outgoing.name), markup if fits else None
    if as_photo:
        message = await bot.send_photo(chat_id, file, caption=caption_html, parse_mode=ParseMode.HTML,
                                       reply_markup=button_row)
    else:
        message = await bot.send_document(chat_id, file, caption=caption_html, parse_mode=ParseMode.HTML,
                                          reply_markup=button_row)
    sent = [message]
    if not fits:
        sent += await render(bot, chat_id, Reply(caption, buttons=reply.buttons))
    return sent
