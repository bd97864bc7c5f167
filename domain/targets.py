"""The plan's targets (chỉ tiêu) as measurable objects.

Each bullet of an area's «a) Chỉ tiêu» becomes a target: its section, its text, a short name for chat
and lists, and — where the text states one — a numeric goal with its direction («ít nhất 60%» → ≥ 60,
«trên 30%» → > 30, «tối đa 5%» → ≤ 5; a bare «100%» means all of them: ≥ 100). A bullet that states two
measures in two sentences («… 100% TTHC … Tỷ lệ hồ sơ … đạt trên 30%.», «Tối thiểu 80% …; trong đó, tỷ
lệ giao dịch … từ 30% trở lên») gives one target per measure, because units report them separately.
Qualitative targets have no goal; a figure can still be recorded for them, and they are never judged.

Codes are «section.position» in the plan's order («7.1»); re-importing the same plan gives the same
codes, which is how stored figures stay attached to their targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.text import fold, nfc

GE, GT, LE, LT = "ge", "gt", "le", "lt"
DIRECTIONS = (GE, GT, LE, LT)
DIRECTION_SIGNS = {GE: "≥", GT: ">", LE: "≤", LT: "<"}

_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
# qualifiers read on the folded text just before / after the number
_BEFORE = (
    (re.compile(r"(?:it nhat|toi thieu|tu|khong duoi|khong it hon|dat tu)\s*$"), GE),
    (re.compile(r"(?:tren|hon|vuot|cao hon)\s*$"), GT),
    (re.compile(r"(?:toi da|khong qua|khong vuot qua|khong cao hon)\s*$"), LE),
    (re.compile(r"(?:duoi|thap hon|it hon)\s*$"), LT),
)
_AFTER_GE = re.compile(r"^\s*%?\s*(?:tro len|tro len)")
_AFTER_LE = re.compile(r"^\s*%?\s*(?:tro xuong|tro lai)")
# Where a bullet holding two measures is cut: a new sentence, or «; trong đó».
_SPLIT = re.compile(r"(?<=\.)\s+(?=[A-ZĐÀ-Ỵ])|;\s*(?=trong đó)", re.IGNORECASE)
_LEAD_WORDS = re.compile(
    r"^(?:(?:phấn đấu|tiếp tục|thực hiện|hoàn thành việc|hoàn thành|đảm bảo|bảo đảm|trong đó|đến hết năm \d{4}|"
    r"đạt|có|được|mức độ 4 đối với)[,\s]+)+",
    re.IGNORECASE,
)
SHORT_WORDS = 8
_DANGLING = frozenset(
    ["doi", "voi", "theo", "cua", "dam", "bao", "tren", "voi", "va", "duoc", "thuoc", "co", "tham", "muc", "con", "dung", "cac", "nhung", "trong", "cho", "tai", "la", "de", "o", "ve", "tu", "den"]
)


@dataclass(frozen=True)
class ParsedTarget:
    section: int
    position: int
    text: str
    short_name: str
    goal: float | None
    direction: str | None

    @property
    def code(self) -> str:
        return f"{self.section}.{self.position}"


def parse_number(text: str) -> float:
    """«41,5» and «41.5» are the same number (Vietnamese writes a decimal comma)."""
    return float(text.replace(",", "."))


def parse_goal(text: str) -> tuple[float | None, str | None]:
    """The first percentage stated in `text` and its direction, or (None, None) for a qualitative target."""
    m = _PERCENT.search(text)
    if m is None:
        return None, None
    value = parse_number(m.group(1))
    before = fold(text[: m.start()])
    after = fold(text[m.end():])
    direction = GE
    for pattern, found in _BEFORE:
        if pattern.search(before):
            direction = found
            break
    if _AFTER_LE.search(after):
        direction = LE
    elif _AFTER_GE.search(after):
        direction = GE
    return value, direction


def achieved(goal: float | None, direction: str | None, value: float | None) -> bool | None:
    """True/False when a goal and a figure exist, None otherwise (nothing to judge)."""
    if goal is None or value is None:
        return None
    if direction == GT:
        return value > goal
    if direction == LE:
        return value <= goal
    if direction == LT:
        return value < goal
    return value >= goal


def short_name(text: str) -> str:
    """A few words naming the target: the goal phrase, brackets and lead verbs removed, cut at a clause."""
    s = nfc(text)
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(
        r"(?:ít nhất|tối thiểu|tối đa|không quá|đạt từ|đạt trên|đạt tối thiểu|đạt|từ|trên|dưới)?\s*"
        r"\d{1,3}(?:[.,]\d+)?\s*%(?:\s*trở lên)?(?:\s*(?:tổng số|số|các))?",
        " ", s, flags=re.IGNORECASE,
    )
    s = re.split(r"[;:.]", s.strip(" -–"))[0]
    s = _LEAD_WORDS.sub("", re.sub(r"\s+", " ", s).strip()).strip()
    chunks = s.split(",")
    s = chunks[0]
    for chunk in chunks[1:]:  # a comma ends the name once it has a few words («phòng, đơn vị thuộc Sở» does not)
        if len(s.split()) >= 4:
            break
        s = f"{s},{chunk}"
    s = _LEAD_WORDS.sub("", s.strip()).strip()
    words = s.split()[:SHORT_WORDS]
    while words and fold(words[-1]) in _DANGLING:
        words.pop()
    s = " ".join(words)
    words = s.split()
    if not words:
        return nfc(text)[:60]
    name = " ".join(words)
    return name[0].upper() + name[1:]


def split_measures(bullet: str) -> list[str]:
    """One bullet → the measures it states (see module docstring); a bullet with at most one
    percentage is one target."""
    parts = [p.strip() for p in _SPLIT.split(nfc(bullet)) if p.strip()]
    if sum(1 for p in parts if _PERCENT.search(p)) < 2:
        return [nfc(bullet)]
    measures: list[str] = []
    for part in parts:
        if _PERCENT.search(part) or not measures:
            measures.append(part)
        else:
            measures[-1] = f"{measures[-1]} {part}"
    return [m[0].upper() + m[1:] for m in measures]


def section_targets(section: int, bullets: list[str]) -> list[ParsedTarget]:
    """The targets of one area. A measure the plan states as «…; trong đó, <measure>» keeps the sentence it
    qualifies as its wording («Tối thiểu 80% TTHC … thanh toán trực tuyến; trong đó, tỷ lệ giao dịch …
    từ 30% trở lên»): alone, «Trong đó, tỷ lệ giao dịch … 30%» would not say of what. Its goal and short
    name come from its own part."""
    out: list[ParsedTarget] = []
    for bullet in bullets:
        previous = ""
        for part in split_measures(bullet):
            goal, direction = parse_goal(part)
            text = part
            if previous and fold(part).startswith("trong do"):
                text = f"{previous.rstrip(' .;')}; {part[0].lower()}{part[1:]}"
            out.append(ParsedTarget(section, len(out) + 1, text, short_name(part), goal, direction))
            previous = part
    return out


def fmt_value(value: float | None) -> str:
    """97 → «97%», 41.5 → «41,5%» (Vietnamese decimal comma)."""
    if value is None:
        return ""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"

