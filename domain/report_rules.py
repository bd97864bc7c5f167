"""Rules the periodic report applies to what units wrote: how blockers' reasons are grouped (part III.3
«Nguyên nhân»), which blockers need the province (part V «Kiến nghị, đề xuất»), and which periodic counts
the statistics annex asks for and which target measures each (docs/report.md).

Pure: words in, codes out (the report's headings for them are presentation's). Matching is on folded text (no diacritics, lower case), so «chờ hướng dẫn»,
«cho huong dan» and «Chờ Hướng Dẫn» are one reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.text import fold

# (reason code, folded words that name it) — the first group whose word is in the note wins. The headings
# the report gives each reason are presentation's (`presentation.report_words.CAUSE_NAMES`).
CAUSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("guidance", ("huong dan", "cho van ban", "chua co van ban", "quyet dinh", "cap tren", "ubnd", "so noi vu",
                  "bo ")),
    ("funding", ("kinh phi", "ngan sach", "du toan", "thiet bi", "may moc", "co so vat chat")),
    ("staff", ("nhan luc", "nhan su", "can bo", "cong chuc", "vien chuc", "nghi", "thieu nguoi",
               "chuyen cong tac")),
    ("systems", ("phan mem", "he thong", "mang", "loi", "cong dich vu", "chu ky so", "ky so")),
    ("coordination", ("phoi hop", "don vi khac", "lien thong", "cho y kien", "gop y")),
)
OTHER_CAUSE = "other"

# A blocker needs the province when its words name a body above the department or a missing instruction.
PROVINCE = ("ubnd", "tinh", "so noi vu", "bo ", "trung uong", "cap tren", "huong dan", "kinh phi", "bien che")


def cause_of(note: str) -> str:
    folded = f"{fold(note)} "
    for reason, words in CAUSES:
        if any(w in folded for w in words):
            return reason
    return OTHER_CAUSE


def needs_province(note: str) -> bool:
    folded = f" {fold(note)} "
    return any(w in folded for w in PROVINCE)


@dataclass(frozen=True)
class Indicator:
    """A count every periodic CCHC report states; `words` find the plan's target measuring it. Its name in
    the report is presentation's (`presentation.report_words.INDICATOR_NAMES`)."""

    code: str
    words: tuple[str, ...]  # every folded phrase must be in the target's text; () = never a target


# The periodic counts of the statistics annex (Biểu số liệu), in the order reports give them.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("cases_received", ()),
    Indicator("cases_on_time", ("ho so tthc", "dung", "han")),
    Indicator("cases_late", ()),
    Indicator("online_services_level4", ("dich vu cong truc tuyen", "muc do 4")),
    Indicator("online_cases", ("ho so giai quyet truc tuyen",)),
    Indicator("online_payment_procedures", ("nghia vu tai chinh", "thanh toan truc tuyen")),
    Indicator("online_payment_transactions", ("ty le giao dich thanh toan truc tuyen",)),
    Indicator("digitised_results", ("so hoa", "ket qua giai quyet")),
    Indicator("one_stop_updates", ("cap nhat", "mot cua")),
    Indicator("signed_documents", ("ky so",)),
    Indicator("satisfaction", ("hai long",)),
    Indicator("feedback", ()),
    Indicator("units_inspected", ("kiem tra cong tac cai cach hanh chinh",)),
)


def indicator_target(indicator: Indicator, targets: list[tuple[str, str]]) -> str:
    """The code of the first target (code, folded text — `domain.text.fold`) whose text holds every phrase
    of the indicator, or ""."""
    if not indicator.words:
        return ""
    for code, folded in targets:
        if all(w in folded for w in indicator.words):
            return code
    return ""
