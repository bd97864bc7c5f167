"""The words of a status update: asked, confirmed, recorded or refused — and its buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from conversation.callbacks import Confirm, PickShare, encode
from domain.messages import Button, Reply
from domain.units import UnitDirectory
from presentation.format import fmt_date, short, status_text
from services.views import LeadView, ShareRef

ASK_TASK = "Anh/chị cập nhật nhiệm vụ số mấy? Ví dụ: «nv 17 đang làm 60%» hoặc «xong nhiệm vụ 3»."
ASK_TASK_AFTER_GUESS = (
    "Anh/chị báo «{what}» cho nhiệm vụ nào? Gõ kèm số nhiệm vụ, ví dụ «nv 17 {example}». Chưa có gì thay đổi."
)
STATUS_EXAMPLES = {"done": "xong", "in_progress": "đang làm 50%", "blocked": "vướng"}  # «nv 17 …»


def ask_task_after_guess(what: str, status: str | None) -> str:
    """A status was understood but not which task: ask, with an example of the same status."""
    return ASK_TASK_AFTER_GUESS.format(what=what, example=STATUS_EXAMPLES.get(status or "", "xong"))


DUPLICATE = "Cập nhật này đã được ghi nhận trước đó."
READ_ONLY = "Vai trò của anh/chị chỉ xem, không cập nhật tình trạng. Cần thay đổi, xin báo Văn phòng Sở."
NOT_ALLOWED_BUTTON = "Anh/chị không có quyền cập nhật phần việc này. Không có gì thay đổi."
EXPIRED = "Yêu cầu cập nhật đã hết hạn. Anh/chị gửi lại nhé."
NOTHING_PENDING = "Không có việc gì đang chờ xác nhận."
CANCELLED = "Đã huỷ."
CANCELLED_NOTHING_CHANGED = "Đã huỷ, không có gì thay đổi."
BAD_STATUS = "Tình trạng không hợp lệ. Dùng: xong / đang làm N% / vướng / chưa làm."


def ask_status(task: int) -> str:
    return f"Nhiệm vụ {task} đang ở tình trạng nào? Ví dụ: «nv {task} xong» hoặc «nv {task} đang làm 50%»."


def choose_status(task: int) -> str:
    return f"Nhiệm vụ {task}: anh/chị chọn tình trạng."


def ask_reason(task: int) -> str:
    return f"Nhiệm vụ {task}: anh/chị gửi ngắn gọn nội dung vướng mắc (một tin nhắn)."


def confirm(task: int, status: str, percent: int | None, title: str | None, unit: str | None) -> Reply:
    what = status_text(status, percent)
    about = f"**nhiệm vụ {task}**" + (f" — {short(title, 60)}" if title else "")
    whose = f" (phần của {unit})" if unit else ""
    return Reply(
        f"Anh/chị muốn cập nhật {about}{whose} thành «{what}»?",
        buttons=[[Button("✔️ Đúng, cập nhật", encode(Confirm("yes"))), Button("✖️ Không", encode(Confirm("no")))]],
    )


def recorded(lead: LeadView, previous: str | None, units: UnitDirectory, note: str | None, task: int) -> str:
    text = (
        f"✅ Đã ghi nhận **nhiệm vụ {lead.task_number}** — {short(lead.task_title)}\n"
        f"{units.name(lead.unit_id)}: {status_text(previous or 'not_started', None, updated=previous is not None)} → "
        f"**{status_text(lead.status, lead.percent)}**"
    )
    if lead.status == "blocked":
        text += f"\nVướng mắc: {note}" if note else (
            f"\nAnh/chị ghi rõ vướng mắc để Văn phòng hỗ trợ, ví dụ: «nv {task} vướng, chờ hướng dẫn của Sở Nội vụ»."
        )
    if lead.status == "done":
        text += f"\nNhớ gửi minh chứng: ảnh hoặc tệp kèm chú thích «nv {task} ...»."
    return text


def milestone_recorded(
    lead: LeadView, completed: str, remaining: list[tuple[str, dt.date]], units: UnitDirectory, task: int
) -> str:
    ahead = "; ".join(f"{label} ({fmt_date(due)})" for label, due in remaining)
    return (
        f"✅ Đã ghi nhận hoàn thành mốc **«{completed}»** của nhiệm vụ {lead.task_number} — "
        f"{short(lead.task_title)}\n{units.name(lead.unit_id)}: **{status_text(lead.status, lead.percent)}**; "
        f"còn: {ahead}.\nNhớ gửi minh chứng: ảnh hoặc tệp kèm chú thích «nv {task} ...»."
    )


def forbidden(task: int, lead_units: list[str], own_unit: str, units: UnitDirectory) -> str:
    leads = ", ".join(units.name(u) for u in lead_units) or "không có đơn vị chủ trì"
    return (
        f"Nhiệm vụ {task} do {leads} chủ trì; {units.name(own_unit)} không cập nhật được. "
        "Không có gì thay đổi. Nếu phân công có sai sót, xin báo Văn phòng Sở."
    )


def other_unit_refused(task: int, named: str, own: str) -> str:
    return (
        f"Anh/chị chỉ cập nhật được phần việc của {own}; phần của {named} trong nhiệm vụ {task} do đơn vị đó "
        "hoặc Văn phòng Sở cập nhật. Không có gì thay đổi."
    )


def not_a_lead(task: int, named: str, lead_units: list[str], units: UnitDirectory) -> str:
    leads = ", ".join(units.name(u) for u in lead_units) or "không có đơn vị chủ trì"
    return f"{named} không chủ trì nhiệm vụ {task} (chủ trì: {leads}). Không có gì thay đổi."


def choose_share(task: int, options: Sequence[ShareRef], units: UnitDirectory, *, units_differ: bool) -> Reply:
    question = (
        f"Nhiệm vụ {task} có nhiều đơn vị chủ trì. Anh/chị cập nhật cho đơn vị nào?"
        if units_differ
        else f"Nhiệm vụ {task} có nhiều phần việc. Anh/chị cập nhật cho phần nào?"
    )
    buttons = [
        [Button(units.name(o.unit_id) + (f" ({short(o.scope, 30)})" if o.scope else ""), encode(PickShare(o.lead_id)))]
        for o in options[:20]
    ]
    return Reply(question, buttons=buttons)


def bad_percent(task: int, low: int, high: int) -> str:
    return (
        f"Tỷ lệ hoàn thành phải từ {low}% đến {high}%. Không có gì thay đổi. "
        f"Anh/chị gửi lại, ví dụ: «nv {task} đang làm 60%»."
    )


def percent_range_reply(task: int, wrong: int) -> str:
    """A percentage above 100: say the valid range, write nothing."""
    return (
        f"Tỷ lệ {wrong}% không hợp lệ: tiến độ ghi từ 0% đến 100%. Tình trạng nhiệm vụ {task} chưa thay đổi.\n"
        f"Gửi lại, ví dụ: «nv {task} đang làm 60%» hoặc «xong nhiệm vụ {task}»."
    )


def too_many_guesses(wait_seconds: int) -> str:
    """Five wrong invite codes in a minute: the next attempt waits."""
    return (
        f"Anh/chị đã nhập sai mã mời nhiều lần. Vui lòng chờ {wait_seconds} giây rồi gửi lại «đăng ký MÃ»; "
        "nếu chưa có mã đúng, xin Văn phòng Sở cấp mã mới."
    )


def milestone_completed_note(label: str) -> str:
    """The note kept in the history with an update that completed a milestone and gave no note of its own
    (the history, the export and the report show it)."""
    return f"hoàn thành mốc «{label}»"
