"""Phrases about a person's messenger accounts (Zalo channel issue, kept apart from the main cascade):

- link_account      "/lienket", "liên kết tài khoản", "liên kết zalo" → a code for the other messenger
- reminder_channel  "/nhacqua [zalo|telegram]", "nhắc qua zalo", "gửi nhắc việc qua telegram"
                    (the handler reads which messenger from the text; none named = show the choice)

Only short messages qualify, and never one naming a task number: "liên kết" and "nhắc" also occur in
questions about the plan ("nv 12 liên kết dữ liệu..."), which must keep going to the main rules.
"""

from __future__ import annotations

import re

from conversation.nlu.result import NluResult
from domain.text import fold

MAX_WORDS = 8
_LINK_COMMAND = re.compile(r"^/(lienket|lien_ket|link)(@[\w.]+)?(\s|$)", re.I)
_CHANNEL_COMMAND = re.compile(r"^/(nhacqua|nhac_qua)(@[\w.]+)?(\s|$)", re.I)
_LINK = re.compile(r"^(xin |cho |toi muon |muon )?(ma )?lien ket( tai khoan)?( voi)?( (zalo|telegram|tele))?( di| nhe| voi)?$")
_CHANNEL = re.compile(
    r"^(hay |xin |vui long )?(gui |nhan )?nhac( nho| viec)? (qua|tren|bang|o|ve) (zalo|telegram|tele)( nhe| nha| thoi| di)?$"
)


def parse_account(text: str) -> NluResult | None:
    """The account intent of `text`, or None when it is about something else."""
    raw = text.strip()
    if _LINK_COMMAND.match(raw):
        return NluResult("link_account")
    if _CHANNEL_COMMAND.match(raw):
        return NluResult("reminder_channel")
    folded = fold(raw)
    if not folded or len(folded.split()) > MAX_WORDS or any(ch.isdigit() for ch in folded):
        return None
    if _LINK.match(folded):
        return NluResult("link_account")
    if _CHANNEL.match(folded):
        return NluResult("reminder_channel")
    return None
