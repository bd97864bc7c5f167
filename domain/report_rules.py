"""Rules the periodic report applies to what units wrote: how blockers' reasons are grouped (part III.3
«Nguyên nhân»), which blockers need the province (part V «Kiến nghị, đề xuất»), and which periodic counts
the statistics annex asks for and which target measures each (docs/report.md).

Pure: words in, groups out. Matching is on folded text (no diacritics, lower case), so «chờ hướng dẫn»,
«cho huong dan» and «Chờ Hướng Dẫn» are one reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.text import fold

# (reason heading, folded words that name it) — the first group whose word is in the note wins.
CAUSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Chờ văn bản, hướng dẫn của cơ quan cấp trên", ("huong dan", "cho van ban", "chua co van ban", "quyet dinh",
                                                       "cap tren", "ubnd", "so noi vu", "bo ")),
    ("Thiếu kinh phí, cơ sở vật chất", ("kinh phi", "ngan sach", "du toan", "thiet bi", "may moc", "co so vat chat")),
    ("Thiếu nhân lực hoặc nhân sự thay đổi", ("nhan luc", "nhan su", "can bo", "cong chuc", "vien chuc", "nghi",
                                              "thieu nguoi", "chuyen cong tac")),
    ("Vướng mắc về hệ thống, phần mềm", ("phan mem", "he thong", "mang", "loi", "cong dich vu", "chu ky so", "ky so")),
    ("Phụ thuộc sự phối hợp của đơn vị khác", ("phoi hop", "don vi khac", "lien thong", "cho y kien", "gop y")),
)
OTHER_CAUSE = "Nguyên nhân khác"

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
    """A count every periodic CCHC report states; `words` find the plan's target measuring it."""

    name: str
    words: tuple[str, ...]  # every folded phrase must be in the target's text; () = never a target


# The periodic counts of the statistics annex (Biểu số liệu), in the order reports give them.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("Số hồ sơ TTHC tiếp nhận trong kỳ", ()),
    Indicator("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn, trước hạn", ("ho so tthc", "dung", "han")),
    Indicator("Số hồ sơ TTHC giải quyết trễ hạn (đã có văn bản xin lỗi)", ()),
    Indicator("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến mức độ 4", ("dich vu cong truc tuyen", "muc do 4")),
    Indicator("Tỷ lệ hồ sơ giải quyết trực tuyến mức độ 3, 4", ("ho so giai quyet truc tuyen",)),
    Indicator("Tỷ lệ TTHC triển khai thanh toán trực tuyến", ("nghia vu tai chinh", "thanh toan truc tuyen")),
    Indicator("Tỷ lệ giao dịch thanh toán trực tuyến", ("ty le giao dich thanh toan truc tuyen",)),
    Indicator("Tỷ lệ số hóa kết quả giải quyết TTHC", ("so hoa", "ket qua giai quyet")),
    Indicator("Tỷ lệ hồ sơ TTHC cập nhật trên Hệ thống một cửa điện tử", ("cap nhat", "mot cua")),
    Indicator("Tỷ lệ văn bản hành chính được ký số, gửi nhận dạng điện tử", ("ky so",)),
    Indicator("Mức độ hài lòng của người dân, doanh nghiệp", ("hai long",)),
    Indicator("Số phản ánh, kiến nghị về TTHC tiếp nhận / đã xử lý", ()),
    Indicator("Tỷ lệ phòng, đơn vị được kiểm tra công tác CCHC", ("kiem tra cong tac cai cach hanh chinh",)),
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
