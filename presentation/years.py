"""What the assistant says about plan years: an answer about a past year says so, and a past year's plan
after its closing date refuses writes with what to do instead (docs/coordinators.md «Sang năm mới»)."""

from __future__ import annotations

import datetime as dt


def past_year_line(year: int) -> str:
    """The one line put before an answer about a plan that is not the current one."""
    return f"🗓 Kế hoạch năm {year} (không phải kế hoạch đang dùng)."


def with_year(text: str, year: int | None) -> str:
    return text if year is None else f"{past_year_line(year)}\n{text}"


def closed(year: int, closed_on: dt.date) -> str:
    """A status, file or figure for a past year's plan after its closing date."""
    return (
        f"🔒 Kế hoạch năm {year} đã khóa từ sau ngày {closed_on:%d/%m/%Y}: chỉ còn xem, không cập nhật được.\n"
        "Việc còn dở hãy báo theo kế hoạch năm nay; cần mở lại thì nhờ Văn phòng Sở "
        f"(`cchc-bot plan close --year {year} --on NGÀY`)."
    )


def no_plan_for_year(year: int) -> str:
    return f"Chưa có kế hoạch năm {year}. Hỏi không kèm năm để xem kế hoạch đang dùng."
