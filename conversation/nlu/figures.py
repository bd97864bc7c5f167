"""A target figure stated in a message (issue 13): «chỉ tiêu ký số quý 3 đạt 97%», «tỷ lệ hồ sơ trực tuyến
6 tháng: 41,5%», «đã kiểm tra 4/7 phòng» (→ 57%).

The number is read from the typed text (the decimal comma of «41,5» does not survive folding); the
period from the usual report-period phrases (none: the handler takes the current one); the rest of the
message, folded, is the *topic* the target service matches against the plan's targets — the NLU does
not know the targets, so it only says «a figure about this topic».
"""

from __future__ import annotations

import re
from typing import Any

_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%|phần trăm|phan tram)", re.IGNORECASE)
# «4/7 phòng»: a fraction followed by what was counted (a bare «4/7» is a date)
_FRACTION = re.compile(r"(?<![\d/])(\d{1,4})\s*/\s*(\d{1,4})(?![\d/])\s+(?P<noun>[^\W\d_]+)")
_COUNTED = frozenset(
    ["phong", "don", "co", "ho", "thu", "tthc", "van", "vb", "cuoc", "lan", "nhiem", "bao", "ket", "dich", "dvc", "quy", "dv", "doanh", "nguoi", "can", "cong", "vien", "truong"]
)
# A figure is about a target when the message says so, or names a rate or a count of checked units.
CUE = re.compile(r"\b(?:chi tieu|ty le|ti le|muc do|so hoa|kiem tra|ky so|hai long|truc tuyen|thanh toan)\b")
_PERIOD_WORDS = re.compile(
    r"\b(?:quy\s+(?:[1-4]|iv|iii|ii|i|nay|truoc)|(?:6|sau|9|chin)\s+thang(?:\s+(?:dau|cuoi)\s+nam)?|ca\s+nam|"
    r"nam\s+nay|nam\s+\d{4}|ky\s+nay|q[1-4]|h1)\b"
)
_CODE = re.compile(r"(?:chỉ tiêu|chi tieu|ct)\s*(?:số\s*|so\s*)?([1-9])\.(\d{1,2})\b", re.IGNORECASE)
_FILLER = re.compile(r"\b(?:dat|duoc|la|da|dat duoc|hien|hien nay|hien tai|den nay|ket qua|so lieu|bao cao)\b")


def find_figure(original: str, folded: str) -> dict[str, Any] | None:
    """{"value", "numerator", "denominator", "topic"} or None. `folded` is the normalised text."""
    from domain.text import fold

    code = _CODE.search(original)
    prefix = f"{code.group(1)}.{int(code.group(2))} " if code else ""
    m = _FRACTION.search(original)
    if m and fold(m.group("noun")).split()[0] in _COUNTED:
        numerator, denominator = int(m.group(1)), int(m.group(2))
        if denominator == 0 or numerator > denominator:
            return {"value": None, "numerator": numerator, "denominator": denominator, "topic": prefix + _topic(folded)}
        value = round(100 * numerator / denominator)
        return {"value": float(value), "numerator": numerator, "denominator": denominator, "topic": prefix + _topic(folded)}
    m = _PERCENT.search(original)
    if m is None:
        return None
    return {"value": float(m.group(1).replace(",", ".")), "numerator": None, "denominator": None,
            "topic": prefix + _topic(folded)}


def _topic(folded: str) -> str:
    s = re.sub(r"\d+(?:\s*/\s*\d+)?\s*%?", " ", _PERIOD_WORDS.sub(" ", folded))
    s = _FILLER.sub(" ", s)
    return " ".join(s.replace("%", " ").split())
