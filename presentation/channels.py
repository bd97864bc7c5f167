"""What each messenger's channel says on its own, before or around the conversation: messages it cannot
read, private answers asked for in a group, photos it could not take, and Zalo's numbered choices.

The wording differs per messenger because the messengers differ (Telegram has a «Mở chat riêng» button
and reads PDF/Word/Excel; Zalo has neither), so the texts are grouped by messenger.
"""

from __future__ import annotations

# -- Telegram ------------------------------------------------------------------------------------------
TELEGRAM_UNSUPPORTED = (
    "Trợ lý đọc tin nhắn chữ, ảnh và tệp PDF, Word (DOCX), Excel (XLSX). "
    "Gõ «hướng dẫn» để xem các cách hỏi."
)
TELEGRAM_START_IN_GROUP = (
    "Đăng ký và thông tin riêng của đơn vị chỉ gửi trong chat riêng. "
    "Anh/chị bấm «Mở chat riêng» rồi bấm Bắt đầu (Start)."
)
TELEGRAM_SENT_PRIVATELY = "🔒 Đã gửi riêng cho {name} (thông tin của đơn vị không đăng trong nhóm)."
TELEGRAM_OPEN_PRIVATE_CHAT = (
    "🔒 {name}: thông tin này chỉ gửi trong chat riêng, nhưng anh/chị chưa mở chat với trợ lý. "
    "Bấm «Mở chat riêng», bấm Bắt đầu (Start), rồi hỏi lại."
)
OPEN_PRIVATE_CHAT_BUTTON = "💬 Mở chat riêng"

# -- Zalo ----------------------------------------------------------------------------------------------
ZALO_UNSUPPORTED = (
    "Trợ lý trên Zalo hiện chỉ đọc được tin nhắn chữ và ảnh. Tệp PDF/Word xin gửi qua Telegram, "
    "hoặc chụp ảnh trang tài liệu kèm chú thích «nv 17 ...»."
)
ZALO_STICKER = "👋 Anh/chị gõ «hướng dẫn» để xem trợ lý làm được gì."
ZALO_WITHHELD = (
    "Zalo không chuyển nội dung tin nhắn này cho trợ lý (Zalo giữ lại nội dung của một số tài khoản được "
    "bảo vệ). Anh/chị gõ lại nội dung bằng chữ, hoặc gửi qua Telegram."
)
ZALO_SENT_PRIVATELY = "🔒 Thông tin của đơn vị đã được gửi riêng cho {name}."
ZALO_OPEN_PRIVATE_CHAT = "🔒 Thông tin của đơn vị không đăng trong nhóm. {name} vui lòng nhắn riêng cho trợ lý."
ZALO_REGISTER_IN_PRIVATE = (
    "🔒 Đăng ký và liên kết tài khoản chỉ làm trong chat riêng với trợ lý (mã mời không nên đăng trong nhóm). "
    "{name} vui lòng nhắn riêng cho trợ lý: đăng ký MÃ."
)
ZALO_CHOICE_HINT = "Trả lời bằng số để chọn:"  # Zalo bots have no inline buttons: choices become numbered lines
ZALO_FILE_NOTE = "📎 Tệp «{name}»: Zalo chưa gửi được tệp này — anh/chị xem trên Telegram hoặc liên hệ Văn phòng Sở."

# A Zalo photo is downloaded by the bot from the link Zalo sends; each refusal says what to do instead.
PHOTO_LINK_FAILED = "Không tải được ảnh từ Zalo (liên kết đã hết hạn?). Anh/chị gửi lại ảnh nhé."
PHOTO_NOT_AN_IMAGE = "Tệp nhận được không phải ảnh JPG/PNG nên không lưu làm minh chứng."
PHOTO_DOWNLOAD_FAILED = "Không tải được ảnh từ Zalo lúc này. Anh/chị thử gửi lại sau ít phút."
PHOTO_EMPTY = "Ảnh nhận được bị rỗng. Anh/chị gửi lại nhé."

# how a person is named in a group notice when the messenger gave no name
SOMEONE = "anh/chị"


def photo_too_large(max_bytes: int) -> str:
    return f"Ảnh quá lớn (tối đa {max_bytes // (1024 * 1024)} MB). Anh/chị gửi ảnh nhỏ hơn hoặc chụp lại nhé."
