"""The format-neutral shape of a plan document: narrative lines plus the appendix table rows."""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMNS = ("STT", "Nhiệm vụ", "Sản phẩm", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành")


@dataclass
class Row:
    where: str  # "dòng 231" / "hàng 12" — used in error messages
    cells: list[str]
    continued: bool = False  # the first row after a repeated page header: may continue the previous row


@dataclass
class PlanSource:
    narrative: list[str]
    rows: list[Row]
    total: int | None = None  # "TỔNG SỐ: 59 NHIỆM VỤ"
    total_where: str | None = None
    # The .txt extraction is the format that gets cut off (a page lost in copy-paste), so there the
    # total line is the proof that nothing is missing; a .docx/.xlsx table is whole or unreadable,
    # and its total is checked only when the author wrote one.
    require_total: bool = True
    extra: dict[str, str] = field(default_factory=dict)
