"""A coordinator's notice to every unit head: the question, the preview, the result, the notice itself."""

from __future__ import annotations

from conversation.callbacks import Broadcast, encode
from domain.messages import Button, Reply
from domain.people import UserView
from services.broadcast_service import BroadcastKind, BroadcastOutcome

NOT_ALLOWED = "Chỉ Văn phòng Sở (cán bộ điều phối) gửi được thông báo chung tới các trưởng đơn vị."
READ_ONLY = "Lãnh đạo Sở dùng trợ lý ở chế độ chỉ xem; thông báo chung do Văn phòng Sở gửi."
NO_HEADS = "Chưa có trưởng đơn vị nào đăng ký dùng trợ lý, nên chưa có ai để nhận thông báo."
CANCELLED = "Đã hủy thông báo."
NOTHING_WAITING = "Không có thông báo nào đang chờ gửi (có thể đã gửi hoặc đã quá 30 phút). Gõ /thongbao để soạn lại."


def ask_text(max_chars: int) -> Reply:
    return Reply(
        f"Anh/chị nhập nội dung thông báo gửi tất cả trưởng đơn vị (tối đa {max_chars} ký tự).",
        buttons=[[Button("✖️ Hủy", encode(Broadcast("no")))]],
    )


def too_long(length: int, max_chars: int) -> str:
    return (
        f"Thông báo dài {length} ký tự, quá {max_chars} ký tự cho phép. Anh/chị rút gọn, "
        "hoặc gửi văn bản chính thức qua hệ thống quản lý văn bản."
    )


def preview(text: str, heads: int) -> Reply:
    return Reply(
        f"📣 Gửi thông báo sau tới **{heads} trưởng đơn vị**?\n\n{text}",
        buttons=[[Button("📣 Gửi", encode(Broadcast("go"))), Button("✖️ Hủy", encode(Broadcast("no")))]],
    )


def notice(text: str, sender: UserView, sender_unit: str) -> Reply:
    """The notice as each head receives it."""
    who = sender.display_name or "Văn phòng Sở"
    return Reply(f"📣 **Thông báo của {sender_unit}**\n{text.strip()}\n— {who}", private_only=True)


def result_text(outcome: BroadcastOutcome) -> str:
    if outcome.kind is not BroadcastKind.SENT or outcome.report is None:
        return {"empty": "Thông báo trống, không gửi.", "too_long": "Thông báo quá dài, không gửi."}.get(
            outcome.kind, NOT_ALLOWED
        )
    r = outcome.report
    lines = [f"📣 Đã gửi thông báo tới {r.sent} trưởng đơn vị."]
    if r.already:
        lines.append(f"{r.already} người đã nhận thông báo này trước đó.")
    if r.no_route:
        lines.append(f"⚠️ {r.no_route} người chưa nhận được: chưa mở chat với trợ lý hoặc đã chặn trợ lý.")
    if r.failed:
        lines.append(f"⚠️ {r.failed} tin gửi lỗi (kênh nhắn tin báo lỗi) — xin báo trực tiếp những người này.")
    return "\n".join(lines)
