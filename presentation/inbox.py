"""What the assistant says about the handling of messages themselves (floods, edits, restarts)."""

from __future__ import annotations

TOO_FAST = "⏳ Bạn gửi nhanh quá, tôi xử lý lần lượt — mỗi tin sẽ được trả lời, xin chờ trong giây lát."
EDITED = "✏️ Tin đã sửa không được cập nhật — gửi lại nội dung mới (một tin mới) để trợ lý ghi nhận."
RECOVERED = (
    "✅ Đã xử lý xong tin «{text}» (trợ lý vừa khởi động lại nên không gửi lại được câu trả lời đầy đủ). "
    "Gõ «lịch sử nhiệm vụ N» hoặc hỏi lại để xem kết quả."
)


def recovered(text: str) -> str:
    """The answer to a message whose effects were saved just before a crash, but not its answer."""
    short = text if len(text) <= 80 else text[:79] + "…"
    return RECOVERED.format(text=short or "nút đã bấm")
