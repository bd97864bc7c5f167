"""Short replies to the bot's own question: yes, no, cancel, next page (docs/contracts.md §3).

People answer «Anh/chị muốn cập nhật …?» in many ways: «vâng đúng», «chuẩn rồi», «ok luôn», «dạ phải ạ»,
«thôi khỏi», «hủy giùm em», «xem tiếp đi». Listing whole phrases never ends, so a reply is read as words:
it is a reply of a kind when every word is either a *core* word of that kind or a *particle* (politeness,
emphasis, address), and at least one core word is there. Cores of several words («đồng ý», «không cần»)
are matched first, the longest first. «dạ» and «ừ» are yes only when nothing else says otherwise
(«dạ không» is no). Kinds that meet in one reply resolve cancel › deny › confirm: «thôi không cần đâu»
cancels, «không đúng» denies.
"""

from __future__ import annotations

import re

KINDS: dict[str, tuple[str, ...]] = {
    "confirm": (
        "co", "ok", "dong y", "dung", "dung vay", "dung the", "chinh xac", "vang", "yes", "yep", "y", "chuan",
        "xac nhan", "duoc", "phai", "ghi nhan", "ghi di", "cap nhat di", "oc", "okay", "chac chan", "tat nhien",
        "sure", "correct", "right", "gui di", "dong y luon", "duyet",
    ),
    "deny": (
        "khong", "khong phai", "sai", "khong dung", "chua dung", "no", "nham", "khong co", "khong chinh xac",
        "chua phai", "nope", "wrong", "sai bet",
    ),
    "cancel": (
        "huy", "huy bo", "huy lenh", "thoi", "bo qua", "cancel", "stop", "dung lai", "khong can", "khong can nua",
        "bo", "khoi", "khoi can", "khoi di", "thoi khoi", "khong lam nua", "dung", "ngung", "thoi khong can",
    ),
    "next_page": (
        "tiep", "xem tiep", "trang sau", "trang tiep", "trang ke", "trang ke tiep", "xem them", "them", "con nua",
        "con nua khong", "next", "tiep theo", "xem nua", "nua", "xem trang sau", "more", "cho xem tiep",
        "hien them", "ke tiep", "con khong",
    ),
}
# «dạ», «ừ»: yes on their own, politeness next to another answer
WEAK_CONFIRM = frozenset({"da", "u", "uh", "vang"})
PARTICLES = frozenset(
    ["a", "ak", "nhe", "nha", "nhen", "ha", "ban", "bot", "oi", "roi", "vay", "luon", "di", "do", "day", "dau", "the", "nhi", "nay", "ad", "admin", "anh", "chi", "em", "minh", "toi", "gium", "giup", "dum", "voi", "qua", "ca", "lam", "nhe", "nhe", "thi", "ma", "nhieu", "nghe", "chu", "please", "pls"]
)
PRECEDENCE = ("cancel", "deny", "next_page", "confirm")
MAX_WORDS = 7
# «dừng» cancels, «đúng» confirms: the same folded word; a lone «dung» is taken as «đúng» (the far more
# common answer to «có đúng không?») unless «lại» follows
_DUNG_STOP = re.compile(r"\bdung lai\b")

_CORES: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(core.split()), kind) for kind, cores in KINDS.items() for core in cores if not (kind == "cancel" and core == "dung")),
    key=lambda item: -len(item[0]),
)


def short_reply(s: str) -> str | None:
    """The kind of a short reply in folded text `s` (confirm, deny, cancel, next_page), else None."""
    tokens = s.split()
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    found: list[str] = []
    weak = False
    i = 0
    while i < len(tokens):
        for core, kind in _CORES:
            if tuple(tokens[i : i + len(core)]) == core:
                found.append(kind)
                i += len(core)
                break
        else:
            token = tokens[i]
            if token in WEAK_CONFIRM:
                weak = True
            elif token not in PARTICLES:
                return None
            i += 1
    if _DUNG_STOP.search(s):
        found.append("cancel")
    if not found:
        return "confirm" if weak else None
    for kind in PRECEDENCE:
        if kind in found:
            return kind
    return None


__all__ = ["KINDS", "short_reply"]
