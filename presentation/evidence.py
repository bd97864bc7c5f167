"""Evidence (minh chứng) in chat: received, refused, attached, asked for, listed."""

from __future__ import annotations

import datetime as dt

from conversation.callbacks import AttachEvidence, encode
from domain.messages import Button, Reply
from presentation.format import file_size, fmt_date, short
from presentation.names import REVIEW_NAMES
from services.evidence_service import EvidenceRefused
from services.views import LeadView

READ_ONLY = "Vai trò của anh/chị chỉ xem, không gửi minh chứng được. Tệp chưa được lưu."
OLD_BUTTON = "Nút này đã cũ. Anh/chị mở lại nhiệm vụ nhé."
NOT_ALLOWED = "Anh/chị không có quyền gửi minh chứng cho phần việc này. Không có gì thay đổi."
NOT_ALLOWED_SHORT = "Anh/chị không có quyền gửi minh chứng cho phần việc này."
NOTHING_WAITING = "Không còn tệp nào đang chờ. Anh/chị gửi lại tệp kèm chú thích «nv 17 ...» nhé."
WHICH_TASK_AGAIN = (
    "Tôi chưa rõ tệp vừa gửi thuộc nhiệm vụ nào. Anh/chị chọn nút ở tin trên hoặc gõ số nhiệm vụ "
    "(ví dụ «17»). Nếu muốn hỏi việc khác, xin gửi lại câu hỏi."
)
STAGED_EXPIRED = "Tệp chờ gắn đã hết hạn. Anh/chị gửi lại tệp kèm chú thích «nv 17 ...» nhé."
IMAGE = "ảnh"  # a file named by its kind: a photo has no file name
FILE = "tệp"


ACCEPTED = "PDF, Word (DOCX), Excel (XLSX) hoặc ảnh JPG/PNG"
FILE_LABELS = {"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "jpg": "ảnh JPG", "png": "ảnh PNG"}
NOT_KEPT = "Minh chứng chưa được lưu."
SHRINK = "Anh/chị giảm dung lượng (nén PDF, chụp ảnh nhỏ hơn) hoặc tách thành nhiều tệp rồi gửi lại."


def unnamed_file(*, image: bool) -> str:
    return IMAGE if image else FILE


def refusal(refused: EvidenceRefused) -> str:
    """Why a file was not kept, and what to send instead."""
    name = refused.file_name or unnamed_file(image=refused.image)
    limit = file_size(refused.limit)
    if refused.reason == "bad_type":
        return f"Tệp «{name}» không phải định dạng minh chứng được nhận. Trợ lý chỉ lưu {ACCEPTED}, tối đa {limit}. {NOT_KEPT}"
    if refused.reason == "too_big" and refused.size is not None:
        return f"Tệp «{name}» nặng {file_size(refused.size)}, vượt giới hạn {limit}. {NOT_KEPT} {SHRINK}"
    if refused.reason == "too_big":  # the messenger itself would not hand it over
        return f"Tệp «{name}» vượt giới hạn {limit} nên máy chủ tin nhắn không cho tải về. {NOT_KEPT} {SHRINK}"
    if refused.reason == "empty":
        return f"Tệp «{name}» rỗng. {NOT_KEPT}"
    if refused.reason == "bad_content":
        label = FILE_LABELS.get(refused.declared or "", "tệp")
        return (f"Nội dung tệp «{name}» không phải {label} hợp lệ (tệp hỏng hoặc đổi đuôi). "
                f"Trợ lý chỉ lưu {ACCEPTED}. {NOT_KEPT}")
    if refused.during == "download":
        return f"Không tải được «{name}» từ máy chủ tin nhắn. Anh/chị gửi lại sau ít phút nhé."
    return f"Không tải được «{name}». Anh/chị gửi lại tệp nhé."


def lead_button(label: str, lead_id: int) -> list[Button]:
    return [Button(label, encode(AttachEvidence(lead_id)))]


def lead_label(unit: str, lead: LeadView) -> str:
    if lead.scope:
        return f"{unit} ({short(lead.scope, 30)})"
    if lead.products:
        return f"{unit} · {short(lead.products[0], 30)}"
    return unit


def which_share(name: str, task: int, options: list[tuple[str, int]]) -> Reply:
    return Reply(
        f"📎 Đã nhận «{name}». Nhiệm vụ {task} có nhiều phần việc: minh chứng này cho phần nào?",
        buttons=[lead_button(label, lead_id) for label, lead_id in options],
    )


def which_share_again(task: int, options: list[tuple[str, int]]) -> Reply:
    return Reply(
        f"Nhiệm vụ {task} có nhiều phần việc: minh chứng này cho phần nào?",
        buttons=[lead_button(label, lead_id) for label, lead_id in options],
    )


def which_task(name: str, size: str, open_leads: list[LeadView]) -> Reply:
    text = (
        f"📎 Đã nhận «{name}» ({size}). Minh chứng này cho nhiệm vụ nào?\n"
        "Chọn bên dưới hoặc gõ số nhiệm vụ, ví dụ «17». Lần sau có thể ghi chú thích «nv 17 ...» khi gửi tệp."
    )
    buttons = [lead_button(f"NV {o.task_number} · {short(o.task_title, 40)}", o.lead_id) for o in open_leads]
    return Reply(text, buttons=buttons)


def no_lead_unit(task: int) -> str:
    return f"Nhiệm vụ {task} không có đơn vị chủ trì trong Sở; không gắn minh chứng được."


def not_a_lead(task: int, lead_units: str, own: str) -> str:
    return (
        f"Nhiệm vụ {task} do {lead_units} chủ trì; {own} không gửi minh chứng cho "
        "nhiệm vụ này được. Tệp chưa được lưu. Nếu phân công có sai sót, xin báo Văn phòng Sở."
    )


def duplicate(name: str, task: int, unit: str) -> str:
    return f"Tệp «{name}» đã có trong minh chứng của nhiệm vụ {task} ({unit}); không lưu thêm bản trùng."


def attached(lead: LeadView, unit: str, name: str, size: str, count: int, *, suggest_done: bool) -> str:
    text = (
        f"📎 Đã lưu minh chứng cho **nhiệm vụ {lead.task_number}** — {short(lead.task_title)}\n"
        f"{unit}: «{name}» ({size}). Phần việc này có {count} minh chứng."
    )
    if suggest_done:
        text += f"\nNếu đã hoàn thành, gõ «nv {lead.task_number} xong»."
    return text


def send_file_for(task: int, accepted: str, max_size: str) -> str:
    return f"Anh/chị gửi ảnh hoặc tệp minh chứng cho **nhiệm vụ {task}** ({accepted}, tối đa {max_size})."


def how_to(accepted: str) -> str:
    return (
        "Gửi minh chứng: gửi ảnh hoặc tệp (" + accepted + ") kèm chú thích «nv 17 ...».\n"
        "Xem minh chứng của một nhiệm vụ: «/minhchung 17»."
    )


def none_yet(task: int, unit: str | None) -> str:
    whose = f" của {unit}" if unit else ""
    return f"Nhiệm vụ {task} chưa có minh chứng nào{whose}."


def list_head(task: int, count: int) -> str:
    return f"**Minh chứng nhiệm vụ {task}** — {count} tệp"


def list_line(i: int, unit: str, name: str, size: str, at: dt.date, who: str | None, review_state: str) -> str:
    by = f" · {who}" if who else ""
    return f"{i}. {unit} · {name} · {size} · {fmt_date(at)}{by} · {REVIEW_NAMES.get(review_state, review_state)}"


def newest_only(n: int) -> str:
    return f"(gửi kèm {n} tệp mới nhất)"


def missing_file(path: str) -> str:
    return f"⚠️ Không tìm thấy tệp {path} trên máy chủ (báo quản trị)."


def file_caption(task: int, unit: str, at: dt.date) -> str:
    return f"NV {task} · {unit} · {fmt_date(at)}"
