"""Evidence review in chat: the cards coordinators page through, the answers to their buttons, and the
notices the unit and the coordinators receive."""

from __future__ import annotations

import datetime as dt

from conversation.callbacks import AttachEvidence, Review, encode
from domain.messages import Button, OutgoingFile, Reply
from domain.units import UnitDirectory
from presentation.format import STATUS_NAMES, file_size, fmt_date, short
from presentation.names import REVIEW_NAMES, file_label
from services.broadcast_service import PushReport
from services.review_service import PENDING, EvidenceView, ReviewKind, ReviewOutcome

NOT_ALLOWED = (
    "Chỉ Văn phòng Sở (cán bộ điều phối) duyệt minh chứng. Minh chứng của đơn vị anh/chị: "
    "gửi «/minhchung <số nhiệm vụ>» để xem, hoặc gửi ảnh/tệp kèm chú thích «nv 17 ...» để nộp."
)
READ_ONLY = "Lãnh đạo Sở xem được danh sách minh chứng nhưng không duyệt (chỉ xem)."
ALL_SEEN = "Đã xem hết minh chứng chờ duyệt. ✅"
OLD_BUTTON = "Nút này đã cũ. Gõ /minhchung để xem lại danh sách."
RETURN_CANCELLED = "Đã hủy trả lại minh chứng."
NOT_FOUND = "Không tìm thấy minh chứng này (có thể đã bị xóa)."
EMPTY_COMMENT = "Cần ghi lý do trả lại. Bấm «Trả lại» lần nữa rồi nhập ý kiến."


def nothing_waiting(task: int | None) -> str:
    where = f" của nhiệm vụ {task}" if task else ""
    return f"Không có minh chứng nào{where} đang chờ duyệt. ✅"


def queue_head(total: int, task: int | None, *, read_only: bool) -> str:
    where = f" của nhiệm vụ {task}" if task else ""
    head = f"📎 **{total} minh chứng{where} chờ duyệt**"
    return head + (f"\n{READ_ONLY}" if read_only else "")


def more(remaining: int, task: int | None, after_id: int) -> Reply:
    return Reply(
        f"Còn {remaining} minh chứng nữa.",
        buttons=[[Button("Xem tiếp ▶", encode(Review("n", task or 0, after_id)))]],
    )


def card(ev: EvidenceView, units: UnitDirectory, *, buttons: bool, attached: OutgoingFile | None) -> Reply:
    lines = [
        f"**NV {ev.task_number}** — {short(ev.task_title)}",
        f"Đơn vị: {units.name(ev.unit_id)} · tình trạng: {STATUS_NAMES.get(ev.lead_status, ev.lead_status)}",
        f"Tệp: {file_label(ev)} ({file_size(ev.size)}) — {ev.uploader or 'không rõ người gửi'}, {fmt_date(ev.created_at.date())}",
    ]
    if ev.caption and ev.caption != file_label(ev):
        lines.append(f"Chú thích: {short(ev.caption, 200)}")
    if ev.review_state != PENDING:
        lines.append(f"Trạng thái: {REVIEW_NAMES[ev.review_state]}")
    rows = (
        [[Button("✅ Chấp nhận", encode(Review("a", ev.id))), Button("↩️ Trả lại", encode(Review("r", ev.id)))]]
        if buttons
        else []
    )
    return Reply("\n".join(lines), buttons=rows, file=attached, private_only=True)


def ask_comment(ev: EvidenceView, units: UnitDirectory) -> Reply:
    return Reply(
        f"Anh/chị nhập **lý do trả lại** minh chứng «{file_label(ev)}» (NV {ev.task_number}, "
        f"{units.name(ev.unit_id)}). Đơn vị sẽ nhận được nguyên văn ý kiến này.",
        buttons=[[Button("✖️ Hủy", encode(Review("x", ev.id)))]],
    )


def already(ev: EvidenceView) -> str:
    who = f" bởi {ev.reviewer}" if ev.reviewer else ""
    return f"Minh chứng «{file_label(ev)}» (NV {ev.task_number}) đã được duyệt trước đó{who}: {REVIEW_NAMES[ev.review_state]}."


def reviewed(outcome: ReviewOutcome, unit: str) -> str:
    ev = outcome.file
    if outcome.kind is ReviewKind.ACCEPTED:
        text = f"✅ Đã xác nhận minh chứng «{file_label(ev)}» — NV {ev.task_number}, {unit}."
        if outcome.verified:
            text += "\nPhần việc này nay được tính là **hoàn thành và đã xác nhận**."
        return text
    return f"↩️ Đã trả lại minh chứng «{file_label(ev)}» — NV {ev.task_number}, {unit}.\nÝ kiến: {ev.review_comment}"


def notice_line(report: PushReport, unit: str) -> str:
    if report.recipients == 0:
        return f"⚠️ {unit} chưa có trưởng đơn vị đăng ký dùng trợ lý — xin báo trực tiếp."
    if report.delivered_or_queued:
        return f"Đã báo cho đơn vị ({report.delivered_or_queued} người)."
    if report.failed:
        return "⚠️ Chưa gửi được thông báo cho đơn vị (lỗi kênh nhắn tin) — xin báo trực tiếp."
    return "⚠️ Chưa gửi được thông báo: trưởng đơn vị chưa mở chat với trợ lý hoặc đã chặn trợ lý."


def review_notice(outcome: ReviewOutcome, units: UnitDirectory) -> Reply:
    """What the unit reads when its file was reviewed."""
    ev = outcome.file
    assert ev is not None
    title = f"nhiệm vụ {ev.task_number} — {short(ev.task_title)}"
    if outcome.kind is ReviewKind.ACCEPTED:
        text = f"✅ Minh chứng «{file_label(ev)}» của {title} đã được Văn phòng Sở **xác nhận**."
        if outcome.verified:
            text += f"\nPhần việc của {units.name(ev.unit_id)} đã hoàn thành và được xác nhận."
        return Reply(text, private_only=True)
    text = (
        f"↩️ Minh chứng «{file_label(ev)}» của {title} bị Văn phòng Sở **trả lại**.\n"
        f"Ý kiến: {ev.review_comment}\n"
        f"Anh/chị gửi lại minh chứng đã bổ sung: ảnh hoặc tệp kèm chú thích «nv {ev.task_number} ...»."
    )
    return Reply(text, buttons=[[Button("📎 Gửi lại minh chứng", encode(AttachEvidence(ev.lead_id)))]], private_only=True)


def review_digest(waiting: int, fresh: int, since: dt.datetime) -> Reply:
    """The coordinators' daily digest of evidence waiting for review."""
    text = (
        f"📎 **Minh chứng chờ duyệt: {waiting}** ({fresh} mới từ {since:%H:%M %d/%m}).\n"
        "Bấm «Duyệt ngay» hoặc gõ /minhchung để xem từng tệp và chấp nhận / trả lại."
    )
    return Reply(text, buttons=[[Button("📎 Duyệt ngay", encode(Review("l")))]], private_only=True)
