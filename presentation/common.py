"""Small pieces every answer shares: deadlines of milestones, unit names, the status keyboard, and the
one-line answers several capabilities give (no plan loaded, a stale button)."""

from __future__ import annotations

import datetime as dt

from conversation.callbacks import AttachEvidence, SetStatus, encode
from domain.messages import Button
from domain.units import UnitDirectory
from presentation.format import (
    Workdays,
    days_left,
    deadline,
    fmt_date,
    short,
    status_icon,
    status_text,
)
from services.views import LeadView, MilestoneView

__all__ = [
    "NO_PLAN", "days_left", "fmt_date", "milestone_when", "short", "status_buttons", "status_icon", "status_text",
    "unit_name",
]

NO_PLAN = "Chưa có kế hoạch CCHC nào được nạp. Văn phòng Sở cần nạp kế hoạch trước."  # the one «no plan»


def no_plan(year: int | None = None) -> str:
    """«No plan» for the operator of the command line: what is missing and the command that fixes it."""
    which = f"năm {year}" if year else "nào"
    return f"chưa có kế hoạch {which} trong cơ sở dữ liệu — chạy `cchc-bot plan import TỆP` trước"
APOLOGY = (
    "Xin lỗi, hệ thống gặp lỗi khi xử lý tin nhắn này. Anh/chị vui lòng thử lại sau ít phút; "
    "nếu vẫn lỗi, xin báo Văn phòng Sở."
)
NOT_REGISTERED = (
    "Anh/chị chưa đăng ký sử dụng trợ lý CCHC.\n"
    "Hãy xin **mã mời** từ Văn phòng Sở rồi gửi: «đăng ký MÃ» (ví dụ: đăng ký K7Q2XP).\n"
    "Gõ «hướng dẫn» để xem trợ lý làm được gì."
)
# A person the operator deactivated (`cchc-bot users deactivate`), whatever they send.
ACCOUNT_DEACTIVATED = "Tài khoản đã ngừng hoạt động, xin liên hệ Văn phòng Sở."
# A button that shows the next page ends with this mark («Sau ▶», «Xem tiếp ▶»): «xem tiếp» presses it.
NEXT_MARK = "▶"
NO_NEXT_PAGE = "Không có trang tiếp theo để xem. Anh/chị hỏi lại danh sách, ví dụ «việc cả năm», rồi gõ «xem tiếp»."
OLD_BUTTON = "Nút này đã cũ hoặc không còn dùng được. Gõ «hướng dẫn» để xem các lệnh."
INVALID_BUTTON = "Nút không hợp lệ (có thể đã cũ hoặc bị sửa). Không có gì thay đổi. Gõ «hướng dẫn» để xem các lệnh."
NO_CHOICE = (
    "Tin trước của trợ lý không có lựa chọn nào để chọn số {n}. Anh/chị gõ rõ yêu cầu, ví dụ «nhiệm vụ {n}» "
    "hoặc «nv {n} xong»."
)


def long_message_note(kept: int) -> str:
    return f"(Tin nhắn dài: trợ lý chỉ đọc {kept:,} ký tự đầu và cuối để tìm câu hỏi.)".replace(",", ".")


WHOLE_DEPARTMENT = "toàn Sở"  # «tiến độ toàn Sở», «bảng toàn Sở»: no unit named
DEPARTMENT_BAR = "Toàn Sở"  # the department's bar in a progress chart


def unit_name(units: UnitDirectory, unit_id: str | None) -> str:
    return units.name(unit_id) if unit_id else WHOLE_DEPARTMENT


def milestone_when(m: MilestoneView, today: dt.date, workdays: Workdays | None = None) -> str:
    """«hạn 30/09 (còn 12 ngày)», «hạn 18/09 (CN) → nộp trước thứ Sáu 16/09 (còn 32 ngày)», «cả năm»,
    or the plan's own words when there is no fixed date."""
    if m.kind == "year_round":
        return "cả năm"
    if m.before_plan:
        return f"{m.text} — trước khi ban hành kế hoạch (không tính trễ hạn)"
    if m.due is not None:
        return f"{deadline(m.due, workdays, today.year)} ({days_left(m.due, today, workdays)})"
    if m.kind in ("relative", "after_event"):
        return f"chờ sự kiện: {m.trigger or m.text}"
    if m.kind == "needs_date":
        return f"cần xác định thời hạn («{m.text}»)" if m.text else "cần xác định thời hạn"
    return m.text


def status_buttons(lead: LeadView) -> list[list[Button]]:
    """The status keyboard of a task detail (data re-authorised on every press)."""
    lid = lead.lead_id
    return [
        [Button("✅ Hoàn thành", encode(SetStatus(lid, "done"))), Button("🔄 Đang làm", encode(SetStatus(lid, "in_progress")))],
        [Button("⚠️ Vướng mắc", encode(SetStatus(lid, "blocked"))), Button("📎 Đính kèm minh chứng", encode(AttachEvidence(lid)))],
    ]


