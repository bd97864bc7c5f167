"""Help, greetings and the polite answer to anything the bot did not understand."""

from __future__ import annotations

from conversation.context import ROLE_NAMES, Context
from conversation.registry import intent
from domain.messages import Reply

EXAMPLES = (
    "**Hỏi việc**\n"
    "• quý này có việc gì đến hạn?\n"
    "• văn phòng còn việc gì chưa xong · việc nào trễ hạn\n"
    "• 7 ngày tới có gì đến hạn · tháng sau đơn vị mình phải nộp gì\n"
    "**Xem một nhiệm vụ**\n"
    "• nhiệm vụ 17 là gì · nv 36 · việc kê khai tài sản ai chủ trì\n"
    "**Báo cáo tiến độ**\n"
    "• xong nhiệm vụ 3 · nv 17 đang làm 60% · việc 33 vướng, chưa có hướng dẫn\n"
    "**Lịch báo cáo, chỉ tiêu, tiến độ**\n"
    "• khi nào nộp báo cáo quý 3 · chỉ tiêu thanh toán trực tuyến · tiến độ toàn Sở\n"
    "**Minh chứng**: gửi ảnh hoặc tệp (PDF, DOCX, XLSX, JPG, PNG ≤ 20 MB) kèm chú thích «nv 17 biên bản ...»\n"
    "**Nhắc việc**: tắt nhắc nhở · bật lại nhắc nhở · nhắc trước 5 ngày · /nhacnho\n"
    "**Nhiều ứng dụng**: /lienket (lấy mã để dùng thêm Zalo/Telegram) · nhắc qua zalo · nhắc qua telegram\n"
    "**Trang web**: /web — đường dẫn đăng nhập trang tổng quan (dùng một lần, trong 10 phút)\n"
    "**Lệnh nhanh**: /viec /quynay /trehan /nv 17 /capnhat 17 xong /baocao /chitieu /tiendo /lichsu 17 /web /huongdan"
)
COORDINATOR_EXAMPLES = (
    "\n**Dành cho Văn phòng (điều phối)**\n"
    "• /tiendo — tiến độ từng đơn vị kèm biểu đồ · /trehan — việc trễ hạn toàn Sở\n"
    "• /xuatbaocao q3 — bảng phụ lục Excel kèm tình trạng · /minhchung — duyệt minh chứng\n"
    "• /thongbao <nội dung> — gửi thông báo tới trưởng các đơn vị\n"
    "• /baocao_cchc q3 — dự thảo báo cáo CCHC (Word) · chỉ tiêu ký số quý 3 đạt 97% — báo số liệu chỉ tiêu\n"
    "• nv 18: đã nhận văn bản UBND ngày 10/5 — ghi ngày sự kiện cho mốc chờ"
)


@intent("help", public=True)
async def show_help(ctx: Context) -> list[Reply]:
    if ctx.user is None:
        return ctx.reply(
            "Trợ lý Kế hoạch CCHC của Sở giúp tra cứu nhiệm vụ, hạn hoàn thành, báo cáo tiến độ và nhắc việc.\n"
            "Để bắt đầu, hãy xin **mã mời** từ Văn phòng Sở rồi gửi: đăng ký MÃ (ví dụ: đăng ký K7Q2XP).\n\n"
            + EXAMPLES
        )
    who = f"{ROLE_NAMES.get(ctx.user.role, ctx.user.role)} — {ctx.app.units.name(ctx.user.unit_id)}"
    extra = COORDINATOR_EXAMPLES if ctx.user.sees_all_units else ""
    return ctx.reply(
        f"Anh/chị đang dùng trợ lý với vai trò {who}. Có thể hỏi bằng tiếng Việt có hoặc không dấu:\n\n{EXAMPLES}{extra}"
    )


@intent("greeting", public=True)
async def greet(ctx: Context) -> list[Reply]:
    if ctx.user is None:
        return ctx.reply(
            "Xin chào! Tôi là trợ lý Kế hoạch CCHC của Sở. Anh/chị cần **mã mời** của Văn phòng Sở để đăng ký: "
            "gửi «đăng ký MÃ». Gõ «hướng dẫn» để xem tôi làm được gì."
        )
    return ctx.reply(
        f"Xin chào {ctx.user.display_name or 'anh/chị'}! Anh/chị có thể hỏi «quý này có việc gì đến hạn?» "
        "hoặc báo «xong nhiệm vụ 3». Gõ «hướng dẫn» để xem thêm."
    )


@intent("unknown", public=True)
async def not_understood(ctx: Context) -> list[Reply]:
    if ctx.user is None:
        return ctx.reply(
            "Tôi chưa hiểu ý anh/chị. Trợ lý chỉ dành cho cán bộ đã đăng ký: hãy gửi «đăng ký MÃ» với mã mời "
            "của Văn phòng Sở, hoặc gõ «hướng dẫn»."
        )
    return ctx.reply(
        "Xin lỗi, tôi chưa hiểu câu này. Anh/chị thử hỏi:\n"
        "• quý này có việc gì đến hạn?\n• nhiệm vụ 17 là gì\n• nv 17 đang làm 60%\n"
        "• khi nào nộp báo cáo quý 3\nHoặc gõ «hướng dẫn» để xem đầy đủ."
    )
