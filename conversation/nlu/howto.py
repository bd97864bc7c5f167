"""Questions about using the bot («xài sao vậy», «muốn báo tiến độ thì làm sao ta», «chỉ em cách cập nhật»).

A help question is a *frame* plus an *action*: a how-to frame («cách», «làm sao», «hướng dẫn», «chỉ em
cách») around something one does with the bot («báo tiến độ», «gửi minh chứng», «tắt nhắc»), or a verb
of using («xài», «dùng») followed by a how-question, or «bot làm được (những) gì». Northern, Southern and
colloquial forms share the frame words, so the rule is the grammar, not a list of sentences. The action
names the help section asked about (an intent of `conversation.intents.INTENTS`), so the answer can show
that section instead of the whole help.
"""

from __future__ import annotations

import re

HOW = (
    r"\b(?:cach|lam sao|lam the nao|the nao de|bang cach nao|huong dan|chi\s+(?:(?:toi|em|minh|gium|giup|dum|voi|"
    r"anh|chi)\s+)*cach|ra sao de|phai lam gi de)\b"
)
# «dùng» is also the second half of «tuyển dụng», «áp dụng», «xây dựng», «nội dung» and reads like «đúng»
USE = r"(?:(?<!tuyen )(?<!ap )(?<!xay )(?<!ung )(?<!noi )\bdung\b(?! han)|\bxai\b|\bsu dung\b|\bthao tac\b)"
_OBJECT = r"(?:\s+(?:bot|nay|tro ly|chatbot|cai|app|ung dung|he thong|no|chuc nang))*"
ASK = r"\b(?:sao|the nao|ra sao|nhu the nao|nhu nao|lam sao|the nao day|kieu gi)\b"
# the actions a user asks how to do, by the intent whose help line answers it
ACTIONS: tuple[tuple[str, str], ...] = (
    ("update_status", r"\b(?:cap nhat|bao(?: cao)? tien do|bao xong|bao hoan thanh|bao cao xong|ghi tien do|nhap tien do|"
                      r"bao cao nhiem vu|bao ket qua)\b"),
    ("evidence", r"\b(?:minh chung|gui file|nop file|dinh kem|tai lieu kiem chung)\b"),
    ("reminder_settings", r"\b(?:nhac nho|nhac viec|tat nhac|bat nhac|nhac han)\b"),
    ("register", r"\b(?:dang ky|kich hoat|ma moi)\b"),
    ("list_tasks", r"\b(?:xem viec|tra cuu|hoi viec|xem nhiem vu|xem han)\b"),
    ("export", r"\b(?:xuat excel|xuat bao cao|xuat file)\b"),
)
_HOW = re.compile(HOW)
_USE_THEN_ASK = re.compile(USE + _OBJECT + r"\s+" + ASK)
_ASK_THEN_USE = re.compile(r"\b(?:lam sao|the nao|cach nao)\s+(?:de\s+)?" + USE)
_CAN_DO = re.compile(
    r"\b(?:bot|ban|tro ly|chatbot|ung dung|he thong)(?:\s+nay)?\s+(?:lam|giup|ho tro|biet lam)\s+(?:duoc\s+)?"
    r"(?:nhung|may|cac|bao nhieu)?\s*(?:cai|viec|chuc nang|thu)?\s*(?:gi|chi)\b"
)
_ACTIONS = tuple((name, re.compile(pattern)) for name, pattern in ACTIONS)


def help_question(s: str) -> tuple[bool, str | None]:
    """(is it a question about using the bot, the intent whose help section it asks about) for folded
    text `s`. Callers exclude messages with a task reference («cập nhật nv 17 thế nào» asks about a task)."""
    topic = next((name for name, pattern in _ACTIONS if pattern.search(s)), None)
    if _HOW.search(s) and (topic is not None or re.search(USE, s)):
        return True, topic
    if _USE_THEN_ASK.search(s) or _ASK_THEN_USE.search(s) or _CAN_DO.search(s):
        return True, topic
    return False, None


__all__ = ["help_question"]
