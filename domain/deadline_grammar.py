"""The grammar of deadline phrases: how provincial plans write time, each phrase read in the plan's year.

One phrase ("Tháng 11 - 12/2023", "Trước ngày 05 hằng tháng", "Quý II, III năm 2023") gives one or more
`Due`s. What it understands, in the order it tries (docs/contracts.md §2):

- **relative** ("05 ngày làm việc kể từ …", "10 ngày … sau khi …"), **after an event** ("Sau khi …"),
  **on request** ("Khi có yêu cầu", "Theo yêu cầu …", "Khi phát sinh"), **per authority** ("Theo …");
- **year-round** work ("Thường xuyên", "Cả năm", "Trong năm 2023", "Giai đoạn 2021 - 2025" around the
  plan year, "… và các năm tiếp theo");
- **recurring** deadlines, one `Due` per occurrence in the plan year: every month (on day N or at the
  month's end), every quarter (its end, or day N of its last month), every half, and yearly ("Quý II
  hàng năm", "Trước 20/12 hàng năm": kind `annual`);
- **lists** ("Tháng 6 và tháng 12", "Quý II, III/2023"): one `Due` per item, the unit word and the year
  shared; **ranges** ("Tháng 11 - 12/2023", "Từ quý II đến quý IV"): one `Due` at the range's end;
- a **day** (20/11, 30/6/2024, "ngày 31 tháng 3 năm 2023") after «trước», «chậm nhất», «muộn nhất», «đến»,
  «trong» or alone: that day; a **period** (month, quarter, half, year, week of a month; with «đầu»,
  «giữa», «cuối»): its last day — after «trước», the last day of the period before it («Trước tháng 6» is
  31/05).

Anything else is `None`: the caller imports it as a milestone that needs a date, never as a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from domain.text import nfc, strip_diacritics

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY = "monthly", "quarterly", "half_yearly", "yearly"
ROMAN_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Due:
    """One reading of a phrase: a kind (`domain.plan` kinds), its date, and for recurring deadlines the
    recurrence and the occurrence's name («Tháng 3», «Quý I»)."""

    kind: str
    due: dt.date | None = None
    recurrence: str | None = None
    occurrence: str | None = None
    offset_days: int | None = None
    working_days: bool | None = None
    trigger: str | None = None


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> dt.date:
    return month_end(year, quarter * 3)


def normalise(phrase: str) -> str:
    """Lower case without diacritics, punctuation kept where it carries meaning (/ - , ;)."""
    text = strip_diacritics(nfc(phrase)).lower()
    text = re.sub(r"[–—]", "-", text)
    text = re.sub(r"[()\[\]:]", " ", text)
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .;,")


def read_phrase(phrase: str, year: int) -> list[Due] | None:
    """The `Due`s a phrase means in plan year `year`, or None when the grammar does not know it."""
    s = normalise(phrase)
    if not s:
        return None
    for reader in (_triggered, _undated, _whole_year_round, _recurring):
        found = reader(s, phrase, year)
        if found is not None:
            return found
    return _fixed_list(s, year)


# -- events and authorities ----------------------------------------------------------------------------
_RELATIVE = re.compile(r"(\d+) ngay (lam viec )?(ke tu|tinh tu|sau khi|tu khi|tu ngay)\b")


def _triggered(s: str, phrase: str, year: int) -> list[Due] | None:
    if rel := _RELATIVE.search(s):
        marker = "kể từ" if rel.group(3) in ("ke tu", "tinh tu") else rel.group(3)
        trigger = _after_words(phrase, "ngày" if marker == "tu ngay" else marker)
        if marker == "tu ngay":
            trigger = "ngày " + trigger
        return [Due("relative", offset_days=int(rel.group(1)), working_days=bool(rel.group(2)), trigger=trigger)]
    if re.match(r"(ngay )?sau khi\b", s):
        return [Due("after_event", trigger=_after_words(phrase, "sau khi"))]
    return None


def _undated(s: str, phrase: str, year: int) -> list[Due] | None:
    if re.match(r"khi (?:co|duoc|phat sinh)\b|theo (?:de nghi|yeu cau)\b", s) or (s.startswith("khi ") and "yeu cau" in s):
        return [Due("on_request")]
    if s.startswith("theo "):
        return [Due("per_authority")]
    return None


def _after_words(phrase: str, marker: str) -> str:
    """The original-case text after a marker such as «kể từ» (found without diacritics)."""
    words = nfc(phrase).split()
    size = len(marker.split())
    for i in range(len(words)):
        if normalise(" ".join(words[i : i + size])) == normalise(marker):
            return " ".join(words[i + size :]).strip(" ;.,")
    return nfc(phrase).strip(" ;.,")


# -- year-round --------------------------------------------------------------------------------------
_YEAR_ROUND = re.compile(
    r"(?:duy tri )?(?:thuong xuyen|lien tuc)(?: trong nam)?|ca nam(?: \d{4})?|trong nam(?: \d{4})?"
)
_YEAR_RANGE = re.compile(r"(?:giai doan |nam )?(\d{4}) ?(?:-|den) ?(\d{4})")


def _whole_year_round(s: str, phrase: str, year: int) -> list[Due] | None:
    if re.search(r"\bcac nam tiep theo\b|\bnhung nam tiep theo\b", s):
        return [Due("year_round", dt.date(year, 12, 31))]
    return None


def _year_round_part(s: str, year: int) -> Due | None:
    if _YEAR_ROUND.fullmatch(s):
        found = re.search(r"\d{4}", s)
        return Due("year_round", dt.date(int(found.group(0)) if found else year, 12, 31))
    if rng := _YEAR_RANGE.fullmatch(s):
        first, last = int(rng.group(1)), int(rng.group(2))
        if first <= year <= last:
            return Due("year_round", dt.date(year, 12, 31))
        return Due("date", dt.date(last, 12, 31))
    return None


# -- recurring -------------------------------------------------------------------------------------------
_HALF = re.compile(r"\bdinh ky 0?6 thang\b|\b0?6 thang/lan\b|\b0?6 thang (?:mot|1|01) lan\b|\b(?:hang|moi) 0?6 thang\b")
_QUARTER_EVERY = re.compile(r"\b(?:hang|moi) quy\b|\bdinh ky quy\b|\blan/quy\b|\bquy/lan\b|\bthang cuoi quy\b")
_MONTH_EVERY = re.compile(r"\b(?:hang|moi) thang\b|\bdinh ky thang\b|\blan/thang\b")
_YEAR_EVERY = re.compile(r"\b(?:hang|moi) nam\b|\bdinh ky nam\b|\blan/nam\b")
_DAY_OF_MONTH = re.compile(r"\bngay (?:mung )?(\d{1,2})\b(?!/| thang \d)")


def _recurring(s: str, phrase: str, year: int) -> list[Due] | None:
    day_match = _DAY_OF_MONTH.search(s)
    day = int(day_match.group(1)) if day_match else None
    if day is not None and not 1 <= day <= 31:
        return None
    if _QUARTER_EVERY.search(s):
        return [_on_day(year, q * 3, day, QUARTERLY, f"Quý {ROMAN_NAMES[q]}") for q in range(1, 5)]
    if _HALF.search(s):
        return [_on_day(year, 6, day, HALF_YEARLY, "6 tháng đầu năm"), _on_day(year, 12, day, HALF_YEARLY, "6 tháng cuối năm")]
    if _MONTH_EVERY.search(s):
        return [_on_day(year, m, day, MONTHLY, f"Tháng {m}") for m in range(1, 13)]
    if _YEAR_EVERY.search(s):
        rest = _YEAR_EVERY.sub(" ", s)
        rest = re.sub(r"\bdinh ky\b", " ", rest)
        rest = re.sub(r"\s+", " ", rest).strip(" ,;-")
        if not rest:
            return [Due("annual", dt.date(year, 12, 31), YEARLY)]
        fixed = _fixed_list(rest, year)
        if fixed is None or any(d.kind != "date" for d in fixed):
            return None
        return [Due("annual", d.due, YEARLY) for d in fixed]
    return None


def _on_day(year: int, month: int, day: int | None, recurrence: str, name: str) -> Due:
    last = calendar.monthrange(year, month)[1]
    return Due("recurring", dt.date(year, month, min(day or last, last)), recurrence, name)


# -- fixed dates: lists, ranges, days, periods --------------------------------------------------------
_SPLIT = re.compile(r"\s*(?:,|;|\bva\b|\+)\s*")
_BARE = re.compile(r"(iv|iii|ii|i|\d{1,2})((?:/| nam )\d{4})?")
_UNIT = re.compile(r"\b(thang|quy)\b")
_YEAR_AT_END = re.compile(r"(?:/| nam )(\d{4})$")


def _fixed_list(s: str, year: int) -> list[Due] | None:
    parts = [p for p in _SPLIT.split(s) if p]
    if not parts:
        return None
    shared = _YEAR_AT_END.search(parts[-1])
    default_year = int(shared.group(1)) if shared and len(parts) > 1 else year
    dues: list[Due] = []
    unit: str | None = None
    for part in parts:
        if _BARE.fullmatch(part) and unit:
            part = f"{unit} {part}"
        if found := _UNIT.search(part):
            unit = found.group(1)
        due = _year_round_part(part, year) or _fixed(part, default_year, year)
        if due is None:
            return None
        if due not in dues:
            dues.append(due)
    return dues


_PREFIXES = (
    "hoan thanh", "thuc hien", "cham nhat la", "cham nhat", "muon nhat", "den het", "den", "het",
    "trong thoi gian", "trong vong", "trong", "vao", "tu", "ngay mung", "ngay",
)
_Y = r"(?:(?:/| nam )(\d{4}))?"
_R = r"(iv|iii|ii|i|[1-4])"
_DAY = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?|(\d{1,2})-(\d{1,2})-(\d{4})")
_DAY_WORDS = re.compile(r"(\d{1,2}) thang (\d{1,2})" + _Y)
_WEEK = re.compile(r"tuan (dau tien|dau|cuoi cung|cuoi|thu nhat|thu hai|thu ba|thu tu|thu [1-4]|[1-4])(?: cua)? thang (\d{1,2})" + _Y)
_MONTH = re.compile(r"(?:(dau|giua|cuoi) )?thang (\d{1,2})" + _Y)
_MONTHS = re.compile(r"thang (\d{1,2}) ?(?:-|den) ?(?:thang )?(\d{1,2})" + _Y)
_QUARTER = re.compile(r"(?:(dau|giua|cuoi) )?quy " + _R + _Y)
_QUARTERS = re.compile(r"quy " + _R + r" ?(?:-|den) ?(?:quy )?" + _R + _Y)
_HALF_OF_YEAR = re.compile(r"(?:0?6 thang|nua) (dau|cuoi) nam" + r"(?: (\d{4}))?")
_YEAR = re.compile(r"(?:(dau|giua|cuoi) )?nam(?: (\d{4}))?")
_WEEK_NUMBER = {"dau tien": 1, "dau": 1, "thu nhat": 1, "thu hai": 2, "thu ba": 3, "thu tu": 4}


def _strip_prefixes(s: str) -> tuple[str, bool]:
    before = False
    changed = True
    while changed:
        changed = False
        if s.startswith("truoc "):
            s, before, changed = s[6:], True, True
            continue
        for prefix in _PREFIXES:
            if s.startswith(prefix + " "):
                s, changed = s[len(prefix) + 1 :], True
                break
    return s.strip(), before


_RANGE_SPLIT = re.compile(r"\s+(?:-|den)\s+")


def _fixed(part: str, default_year: int, plan_year: int) -> Due | None:
    s, before = _strip_prefixes(part)
    try:
        day = _day(s, default_year)
        if day is not None:
            return Due("date", day)
        period = _period(s, default_year, plan_year)
    except ValueError:  # 31/02, tháng 13, quý V
        return None
    if period is None:
        return _range(s, default_year, plan_year) if not before else None
    start, end = period
    return Due("date", start - dt.timedelta(days=1) if before else end)


def _range(s: str, default_year: int, plan_year: int) -> Due | None:
    """«Tháng 6/2023 - Tháng 12/2023», «Từ 01/3 đến ngày 30/6», «Quý IV/2023 - Quý I/2024»: two ends that
    each read on their own → the end of the second."""
    sides = _RANGE_SPLIT.split(s)
    if len(sides) != 2:
        return None
    first, last = (_fixed(side, default_year, plan_year) for side in sides)
    if first is None or last is None or first.due is None or last.due is None or first.due > last.due:
        return None
    return last


def _year_of(group: str | None, default: int) -> int:
    return int(group) if group else default


def _day(s: str, year: int) -> dt.date | None:
    if m := _DAY.fullmatch(s):
        if m.group(1):
            return dt.date(_year_of(m.group(3), year), int(m.group(2)), int(m.group(1)))
        return dt.date(int(m.group(6)), int(m.group(5)), int(m.group(4)))
    if m := _DAY_WORDS.fullmatch(s):
        return dt.date(_year_of(m.group(3), year), int(m.group(2)), int(m.group(1)))
    return None


def _period(s: str, year: int, plan_year: int) -> tuple[dt.date, dt.date] | None:
    """The first and the last day of the period a phrase names (month, quarter, half, year, week)."""
    if m := _WEEK.fullmatch(s):
        y, month = _year_of(m.group(3), year), int(m.group(2))
        last = month_end(y, month)
        word = m.group(1)
        if word.startswith("cuoi"):
            return last - dt.timedelta(days=6), last
        k = _WEEK_NUMBER.get(word) or int(word[-1])
        return dt.date(y, month, 7 * k - 6), min(dt.date(y, month, 7 * k), last)
    if m := _MONTHS.fullmatch(s):
        y = _year_of(m.group(3), year)
        return dt.date(y, int(m.group(1)), 1), month_end(y, int(m.group(2)))
    if m := _MONTH.fullmatch(s):
        y, month = _year_of(m.group(3), year), int(m.group(2))
        part = {"dau": 10, "giua": 20}.get(m.group(1) or "")
        return dt.date(y, month, 1), dt.date(y, month, part) if part else month_end(y, month)
    if m := _QUARTERS.fullmatch(s):
        y = _year_of(m.group(3), year)
        return dt.date(y, ROMAN[m.group(1)] * 3 - 2, 1), quarter_end(y, ROMAN[m.group(2)])
    if m := _QUARTER.fullmatch(s):
        y, q = _year_of(m.group(3), year), ROMAN[m.group(2)]
        first = dt.date(y, q * 3 - 2, 1)
        return first, month_end(y, q * 3 - 2) if m.group(1) == "dau" else quarter_end(y, q)
    if m := _HALF_OF_YEAR.fullmatch(s):
        y = _year_of(m.group(2), year)
        return (dt.date(y, 1, 1), dt.date(y, 6, 30)) if m.group(1) == "dau" else (dt.date(y, 7, 1), dt.date(y, 12, 31))
    if m := _YEAR.fullmatch(s):
        y = _year_of(m.group(2), plan_year)
        end = {"dau": dt.date(y, 3, 31), "giua": dt.date(y, 6, 30)}.get(m.group(1) or "", dt.date(y, 12, 31))
        return dt.date(y, 1, 1), end
    return None
