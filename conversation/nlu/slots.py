"""Slot extractors: task numbers, percentages, status words, units, invite codes, reminder settings,
the section a target question is about, and the free-text reason of a blocked task.

Each extractor is a small pure function over the canonical folded text (see `normalize`), so that it can
be tested alone and reused by the slash-command parser. Spans are returned where a later extractor must
not reuse the same characters (the "3" of "quý 3" is not task 3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conversation.nlu.normalize import Normalized, fold_canonical
from conversation.nlu.spans import load_glossary
from domain.invite_codes import is_code_shaped
from domain.units import MEMBER_KINDS, UnitDirectory

Span = tuple[int, int]

MAX_TASK_NUMBER = 9999


def mask(text: str, spans: list[Span]) -> str:
    """Blank the characters of `spans` (same length, so other spans stay valid)."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = " "
    return "".join(chars)


# -- task numbers ------------------------------------------------------------------------------------
_TASK_MARKED = re.compile(
    r"(?:\b(?:nhiem vu|cong viec|viec|task|muc|stt|so thu tu)\s*(?:so\s*|thu\s*)?|#\s*|^\s*so\s+)(?P<n>\d{1,4})\b"
)
_TASK_AFTER_VERB = re.compile(r"\b(?:cap nhat|bao cao tien do|tien do|xem|chi tiet)\s+(?:cho\s+)?(?P<n>\d{1,4})\b")
# "17 xong", "17: đang làm" — but "5 việc sắp đến hạn" counts tasks, it does not name one
_TASK_LEADING = re.compile(
    r"^\s*(?P<n>\d{1,3})\b(?!\s*(?:%|phan tram|ngay|tuan|thang|nam|quy|/|viec|nhiem vu|cong viec|nguoi|don vi|"
    r"phong|bao cao|lan|van ban|ho so|muc|chi tieu|cai)\b)"
)


@dataclass(frozen=True)
class TaskRef:
    number: int
    span: Span
    marked: bool  # written with a marker ("nv 17", "việc 17") rather than a bare leading number


def find_task_number(masked: str) -> TaskRef | None:
    """A task number written as one ("nhiệm vụ 17", "nv17", "việc số 5", "#17", "cập nhật 17", "17 xong").

    `masked` must already have periods, dates and percentages blanked.
    """
    m = _TASK_MARKED.search(masked) or _TASK_AFTER_VERB.search(masked)
    marked = True
    if not m:
        m = _TASK_LEADING.search(masked)
        marked = False
    if not m:
        return None
    number = int(m.group("n"))
    if number > MAX_TASK_NUMBER:
        return None
    return TaskRef(number, m.span(), marked)


# -- percentages -------------------------------------------------------------------------------------
_PERCENT = re.compile(r"\b(?P<p>\d{1,3})\s*(?:%|phan tram\b|pt\b)")
_PERCENT_BARE = re.compile(r"\b(?:duoc|dat|khoang|tam|chung|toi|len)\s+(?P<p>\d{1,3})\b(?!\s*(?:ngay|tuan|thang|nam|/|nhiem|viec))")


def find_percent(text: str, *, bare: bool = False) -> tuple[int, Span] | None:
    """'60%', '60 phần trăm'; with `bare`, also 'được 60' / 'đạt 80' (update context only)."""
    m = _PERCENT.search(text) or (_PERCENT_BARE.search(text) if bare else None)
    if not m:
        return None
    value = int(m.group("p"))
    if not 0 <= value <= 100:
        return None
    return value, m.span()


def percent_out_of_range(text: str) -> int | None:
    """A written percentage outside 0–100 ('250%'), which `find_percent` does not read as a percent."""
    for m in _PERCENT.finditer(text):
        value = int(m.group("p"))
        if value > 100:
            return value
    return None


def percent_spans(text: str) -> list[Span]:
    return [m.span() for m in _PERCENT.finditer(text)]


# -- status words ------------------------------------------------------------------------------------
_NOT_YET = r"(?<!chua )(?<!can )(?<!phai )(?<!se )(?<!sap )(?<!de )(?<!muon )(?<!nen )(?<!kip )(?<!lam sao )"

# What the asker says about their own task, strongest first: a blocker outweighs "đang làm", an explicit
# "chưa" outweighs the verb after it.
UPDATE_STATUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("blocked", re.compile(
        r"\b(?:vuong mac|vuong|bi vuong|kho khan|bi tac|ach tac|tac nghen|bi ket|ket lai|gap van de|gap kho khan|"
        r"chua the|khong the|bi chan|tam dung|tam hoan|tam ngung|dung lai|cho huong dan|chua co huong dan|"
        r"chua co kinh phi|thieu kinh phi|blocked|chua lam duoc|khong lam duoc|dang cho|van cho|con cho|"
        r"cho y kien|cho phan hoi|cho phe duyet)\b")),
    ("not_started", re.compile(
        r"\bchua\s+(?:duoc\s+)?(?:lam|thuc hien|bat dau|trien khai|tien hanh|dong toi|dong|khoi dong|lam gi)\b(?!\s+xong)"
        r"|\bchua\s+(?:co\s+)?(?:gi|ai lam)\b|\bchua bat tay\b|\bnot started\b")),
    ("in_progress", re.compile(
        r"\bchua\s+(?:xong|hoan thanh|hoan tat|lam xong|thuc hien xong|xong het)\b|\bdang\s+(?:duoc\s+)?(?:lam|thuc hien|trien khai|"
        r"xu ly|tien hanh|soan|du thao|chuan bi|hoan thien|lam do|trien|tong hop|xay dung|ra soat|trinh)\b"
        r"|\b(?:gan|sap)\s+xong\b|\blam do\b|\bda\s+(?:trien khai|bat dau)\b|\bbat dau\s+lam\b|\bse hoan thanh\b"
        r"|\bin progress\b|\bdang lam\b|\b(?:duoc|lam duoc|xong)\s+(?:mot nua|mot phan|phan nao|phan lon)\b")),
    ("done", re.compile(
        _NOT_YET + r"\b(?:da\s+)?(?:xong|hoan thanh|hoan tat|ket thuc|done|finish|finished)\b"
        r"|\bda\s+(?:lam|thuc hien|nop|gui|ban hanh|trinh|phat hanh|hoan thien|cong khai|dang tai|to chuc)\b(?!\s+(?:xong\s+)?chua)"
        r"|\b(?:ok|oke)\s+roi\b|\bxong xuoi\b|\bda ok\b")),
)

# Which tasks the asker wants listed. "cần hoàn thành gì" asks what to do, it is not a "done" filter:
# "done" needs "đã" or "rồi", or "việc nào hoàn thành".
LIST_STATUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("overdue", re.compile(
        r"(?<!sap )(?<!gan )\b(?:tre|qua|lo|het|bi tre|tre mat)\s+han\b|\btre hen\b|\bcham(?:\s+tien do|\s+tre|\s+han)?\b(?!\s+(?:diem|soc|chi))"
        r"|\bbi tre\b|\btre\b|\bqua deadline\b|\bqua moc\b|\boverdue\b|\bno dong\b")),
    ("open", re.compile(
        r"\bchua\s+(?:xong|hoan thanh|hoan tat|lam xong|thuc hien xong|giai quyet|dong)\b|\bcon\s+ton\b|\bton dong\b"
        r"|\bcon lai\b|\bdang mo\b|\bcon no\b|\bdo dang\b|\bcon\s+(?:nhung\s+|cac\s+)?(?:viec|nhiem vu|cong viec)\b"
        r"|\bchua xu ly\b|\b(?:van|con)\s+ton\b|\bton lai\b")),
    ("not_started", re.compile(
        r"\bchua\s+(?:duoc\s+)?(?:lam|bat dau|trien khai|thuc hien|dong toi|khoi dong|tien hanh)\b(?!\s+xong)")),
    ("blocked", re.compile(r"\b(?:vuong mac|vuong|kho khan|bi tac|ach tac|bi ket|bi chan|tam dung)\b")),
    ("in_progress", re.compile(r"\bdang\s+(?:lam|thuc hien|trien khai|xu ly|tien hanh|lam do)\b|\blam do\b|\bdo tay\b")),
    ("done", re.compile(
        r"\b(?:da|duoc)\s+(?:hoan thanh|xong|lam xong|hoan tat|thuc hien xong|thuc hien)\b|\b(?:hoan thanh|xong)\s+roi\b"
        r"|\b(?:viec|nhiem vu)\s+(?:nao\s+)?(?:hoan thanh|xong)\b|\bda xong\b")),
)


def find_status(text: str, table: tuple[tuple[str, re.Pattern[str]], ...]) -> tuple[str, Span] | None:
    for status, pattern in table:
        m = pattern.search(text)
        if m:
            return status, m.span()
    return None


# -- units -------------------------------------------------------------------------------------------
_GENERIC_PREFIXES = ("phong ", "trung tam ", "bo phan ")
FUZZY_WINDOW_TOKENS = 30


class UnitFinder:
    """Finds a member unit named anywhere in a message: exact aliases first (longest wins), then the
    directory's own fuzzy matcher for typos. External bodies (UBND tỉnh, Sở Nội vụ) are never returned:
    they do not have tasks to list or progress to show."""

    def __init__(self, units: UnitDirectory, chat_aliases: Mapping[str, tuple[str, ...]] | None = None) -> None:
        """`chat_aliases`: how people name units in chat, by unit id (the glossary's `unit_aliases`)."""
        self.units = units
        chat_aliases = load_glossary().unit_aliases if chat_aliases is None else chat_aliases
        names: dict[str, str] = {}
        members = [u for u in units.units if u.kind in MEMBER_KINDS]
        for unit in members:
            for name in (unit.name, *unit.aliases, unit.id.replace("-", " ")):
                folded = fold_canonical(name)
                names.setdefault(folded, unit.id)
                # "Phòng Quản lý Thương mại" → "quan ly thuong mai"; two-word remainders ("tai chinh") are
                # ordinary words of task titles, so only longer names are shortened this way.
                for prefix in _GENERIC_PREFIXES:
                    if folded.startswith(prefix) and len(folded[len(prefix):].split()) >= 3:
                        names.setdefault(folded[len(prefix):], unit.id)
            for alias in chat_aliases.get(unit.id, ()):
                names.setdefault(fold_canonical(alias), unit.id)
        affiliated = [u.id for u in members if u.kind == "affiliated"]
        if len(affiliated) == 1:  # "trung tâm" alone can only mean the one affiliated centre
            names.setdefault("trung tam", affiliated[0])
        self._names = names
        ordered = sorted(names, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in ordered if n) + r")\b")

    def find(self, text: str, *, fuzzy: bool = True) -> tuple[str, Span] | None:
        """(unit id, span in `text`) of the longest alias found, else a fuzzy match (span (0, 0)).

        Callers pass `fuzzy=False` when every word of the text is known: typo correction has then
        already turned a misspelt unit name into its exact alias, and the fuzzy scan would find nothing."""
        best: re.Match[str] | None = None
        for m in self._pattern.finditer(text):
            if best is None or len(m.group(0)) > len(best.group(0)):
                best = m
        if best:
            return self._names[best.group(0)], best.span()
        if not fuzzy:
            return None
        # the directory's fuzzy matcher compares every window with every alias: bound it to the head
        unit_id = self.units.find_in_text(" ".join(text.split()[:FUZZY_WINDOW_TOKENS]))
        unit = self.units.get(unit_id) if unit_id else None
        if unit is not None and unit.kind in MEMBER_KINDS:
            return unit.id, (0, 0)
        return None


# -- invite codes ------------------------------------------------------------------------------------
_CODE_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{6,10})(?![A-Za-z0-9])")


def find_code(original: str, known_words: frozenset[str], *, strict: bool) -> str | None:
    """An invite code: 6–10 letters/digits. A token with both letters and digits is a code anywhere; an
    all-capital token only outside the known vocabulary (so "KHTCTH" is a unit, not a code); with
    `strict` False (a registration phrase was seen) a lower-case word outside the vocabulary also counts,
    and so does a token of only digits shaped like an invite code (older invites may be all digits)."""
    fallback: str | None = None
    digits: str | None = None
    for m in _CODE_TOKEN.finditer(original):
        token = m.group(1)
        if not token.isascii():
            continue
        has_digit = any(c.isdigit() for c in token)
        has_alpha = any(c.isalpha() for c in token)
        if has_digit and has_alpha:
            return token.upper()
        if not has_alpha:
            if digits is None and not strict and is_code_shaped(token):
                digits = token
            continue
        if token.lower() in known_words:
            continue
        if fallback is None and (token.isupper() or (not strict and token.isalpha())):
            fallback = token.upper()
    return digits or fallback


# -- reminder settings -------------------------------------------------------------------------------
_REMIND = r"(?:nhac nho|nhac viec|nhac han|nhac|thong bao nhac|tin nhac|reminder)"
_REMINDER_OFF = re.compile(
    rf"\b(?:tat|ngung|dung|huy|bo|khong (?:can|muon|nhan)|thoi|stop)\s+(?:che do\s+|nhan\s+|cac\s+|tin\s+)*{_REMIND}\b"
    rf"|\b{_REMIND}\s+(?:nua\s+)?(?:di\s+)?(?:tat|ngung)\b|\b(?:dung|khong|ngung|thoi)\s+nhac\s+(?:toi|em|minh|nua)\b"
)
_REMINDER_ON = re.compile(
    rf"\b(?:bat|mo|kich hoat)\s+(?:lai\s+)?(?:che do\s+)?{_REMIND}\b|\b{_REMIND}\s+(?:lai\s+)?(?:di\s+)?bat\b"
    rf"|\b(?:muon|can)\s+nhan\s+(?:lai\s+)?{_REMIND}\b"
)
_REMINDER_DAYS = re.compile(
    rf"\b{_REMIND}\s+(?:toi\s+|em\s+|minh\s+|truoc\s+han\s+)?truoc(?:\s+han)?\s+(?P<n>\d{{1,2}}|mot|hai|ba|bon|nam|sau|bay|muoi)\s+ngay\b"
    rf"|\btruoc(?:\s+han)?\s+(?P<n2>\d{{1,2}}|mot|hai|ba|bon|nam|sau|bay|muoi)\s+ngay\s+(?:thi\s+)?{_REMIND}\b"
)
_REMINDER_PREVIEW = re.compile(
    rf"\b(?:xem truoc|mo phong|du kien|xem thu)\s+(?:cac\s+|lich\s+)?{_REMIND}\b(?:.*?\bthang\s+(?P<m>1[0-2]|0?[1-9])\b)?"
)
_SCOPE_ASSIGN = re.compile(
    r"^(?:nv|nhiem vu|viec|task)\s*(?P<task>\d{1,3})\s*:?\s+(?:giao|chi giao|giao viec)\s+(?:cho\s+)?(?P<units>\S.*)$"
)
_SMALL_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "muoi": 10}


def find_reminder(text: str) -> dict[str, Any] | None:
    """{"action": "off" | "on" | "days_before", "days": N} for a reminder-settings request, {"action":
    "preview", "month": M} for «xem trước nhắc nhở tháng 12», {"action": "assign_scope", "task": N, "units":
    "qltm, qlnl"} for «nv 54 giao QLTM, QLNL» (issue 11), else None."""
    m = _REMINDER_PREVIEW.search(text)
    if m:
        return {"action": "preview", "month": int(m.group("m")) if m.group("m") else None}
    m = _SCOPE_ASSIGN.match(text.strip())
    if m:
        return {"action": "assign_scope", "task": int(m.group("task")), "units": m.group("units").strip()}
    m = _REMINDER_DAYS.search(text)
    if m:
        word = m.group("n") or m.group("n2")
        days = int(word) if word.isdigit() else _SMALL_NUMBERS[word]
        return {"action": "days_before", "days": days}
    if _REMINDER_OFF.search(text):
        return {"action": "off"}
    if _REMINDER_ON.search(text) or _BARE_ON.match(text.strip()):
        return {"action": "on"}
    return None


# "bật lại" on its own can only mean reminders: it is what people answer after "tắt nhắc nhở".
_BARE_ON = re.compile(r"^(?:bat|mo) lai(?: (?:nhe|nha|di|giup|giup toi|giup em|cho toi|cho em|a))*$")


# -- sections of the plan (for "chỉ tiêu ...") ---------------------------------------------------------
# Every provincial CCHC plan follows the same seven areas (Nghị quyết 76/NQ-CP): the topics below are
# that shared structure, so a target question is placed even when the plan's wording differs.
SECTION_TOPICS: dict[int, tuple[str, ...]] = {
    1: ("chi dao dieu hanh", "chi dao", "dieu hanh", "kiem tra cchc", "kiem tra", "tuyen truyen", "sang kien",
        "nguoi dung dau", "bao cao cchc"),
    2: ("the che", "vbqppl", "van ban quy pham", "quy pham phap luat", "phap luat", "thi hanh phap luat",
        "ra soat van ban"),
    3: ("tthc", "thu tuc", "mot cua", "lien thong", "thanh toan truc tuyen", "thanh toan", "dich vu cong",
        "truc tuyen", "ho so", "hai long", "so hoa", "giai quyet ho so", "dung han", "tre han", "muc do 4",
        "muc do 3"),
    4: ("to chuc bo may", "bo may", "kien toan", "sap xep", "bien che", "phan cap", "chuc nang nhiem vu"),
    5: ("che do cong vu", "cong vu", "ccvc", "cong chuc", "vien chuc", "vi tri viec lam", "bo nhiem", "tuyen dung",
        "dao tao", "boi duong", "danh gia", "van hoa cong so", "ke khai tai san", "lanh dao cap phong"),
    6: ("tai chinh cong", "tai chinh", "tu chu", "chi tieu noi bo", "ngan sach", "kinh phi", "quyet toan",
        "don vi su nghiep"),
    7: ("chinh quyen dien tu", "chinh quyen so", "dien tu", "ky so", "chu ky so", "iso", "cong nghe thong tin",
        "van ban dien tu", "he thong bao cao", "chuyen doi so", "trang thong tin", "website", "phan mem",
        "co so du lieu", "luu chuyen"),
}


class SectionFinder:
    """The plan section a topic belongs to: the longest topic phrase found wins; ties go to the section
    with more matched phrases. Section titles from the plan itself are added to the built-in topics."""

    def __init__(self, titles: dict[int, str] | None = None) -> None:
        phrases: dict[str, int] = {}
        for section, topics in SECTION_TOPICS.items():
            for topic in topics:
                phrases.setdefault(topic, section)
        for section, title in (titles or {}).items():
            folded = fold_canonical(title)
            folded = re.sub(r"^(?:cong tac|cai cach|xay dung va phat trien)\s+", "", folded)
            if len(folded) >= 6:
                phrases.setdefault(folded, section)
        self._phrases = phrases
        ordered = sorted(phrases, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b")

    def find(self, text: str) -> int | None:
        scores: dict[int, tuple[int, int]] = {}
        for m in self._pattern.finditer(text):
            section = self._phrases[m.group(0)]
            longest, count = scores.get(section, (0, 0))
            scores[section] = (max(longest, len(m.group(0))), count + 1)
        if not scores:
            return None
        return max(scores, key=lambda s: scores[s])


# -- free-text notes ---------------------------------------------------------------------------------
_CONNECTORS = re.compile(r"^(?:\s|[,.;:!\-–—()]|vi\b|do\b|la\b|boi\b|tai\b|nen\b|nhung\b|ly do\b|because\b)+")


def cut_note(original: str, aligned: str, remove: list[Span], limit: int = 1000) -> str | None:
    """The user's own words left after removing the task reference and the status phrase: for "việc 33
    đang vướng, chưa có hướng dẫn của Sở Nội vụ" that is "chưa có hướng dẫn của Sở Nội vụ".

    Spans index `aligned`, which has the same length as `original`, so the reason is quoted verbatim."""
    kept = mask(original[: len(aligned)], remove) + original[len(aligned):]
    folded_kept = mask(aligned, remove)
    # drop leading connectors ("vì", "do", ",") measured on the folded copy, cut the same length
    m = _CONNECTORS.match(folded_kept)
    start = m.end() if m else 0
    note = " ".join(kept[start:].split()).strip(" ,.;:-–—")
    note = re.sub(r"^(?:rồi|nhé|nha|ạ)\b", "", note, flags=re.IGNORECASE).strip(" ,.;:-–—")
    if sum(ch.isalpha() for ch in note) < 3:
        return None
    return note[:limit]


# -- the reason of a blocked task -------------------------------------------------------------------
_NOTE_TASK = re.compile(
    r"\b(?:nhiem\s+vu|nv|nvu|viec|cong\s+viec|cv|task)\s*(?:so\s*)?\d{1,4}\b|^\s*/\w+(?:@\w+)?\s+\d{1,4}\b|^\s*\d{1,4}\b"
)
_NOTE_STATUS = re.compile(
    r"\b(?:dang\s+|bi\s+|gap\s+|con\s+|van\s+)*(?:vuong\s+mac|vuong|kho\s+khan|bi\s+tac|ach\s+tac|tac\s+nghen|bi\s+ket|"
    r"gap\s+van\s+de|bi\s+chan|tam\s+dung|tam\s+hoan|tam\s+ngung|dung\s+lai|blocked)\b"
)


def blocked_reason(n: Normalized) -> str | None:
    """The reason of a blocked task in the user's own words (diacritics and case kept)."""
    remove = [m.span() for m in _NOTE_TASK.finditer(n.aligned)]
    remove += [m.span() for m in _NOTE_STATUS.finditer(n.aligned)]
    remove += [m.span() for m in re.finditer(r"^\s*cap\s+nhat\b|\bcap\s+nhat\b", n.aligned)]
    return cut_note(n.original, n.aligned, remove)
