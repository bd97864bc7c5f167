"""Evidence review in chat: coordinators page through the files units sent, accept them or return them
with a comment; the unit's head is notified through the paced sending path.

Reached by intent `review` (the NLU maps «duyệt minh chứng», «/duyet») — and by `/minhchung` from a
coordinator or leader without a file: the evidence handler hands over with `review_inbox(ctx)`.

Buttons (data ≤ 64 bytes, re-authorised on every press — a forwarded keyboard gives nobody rights):
`rv:a:<id>` accept · `rv:r:<id>` return (asks for the comment) · `rv:x:<id>` cancel the return ·
`rv:n:<task|0>:<after id>` next page · `rv:l` the queue from the start (the daily digest's button). Leaders see the queue without buttons (read-only).
"""

from __future__ import annotations

from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import Button, OutgoingFile, Reply
from presentation.common import fmt_date, short
from services.broadcast_service import PushReport
from services.review_service import (
    PENDING,
    STATE_NAMES,
    EvidenceView,
    ReviewOutcome,
    ReviewService,
)
from services.views import STATUS_NAMES

AWAIT_KIND = "review_comment"
NOT_ALLOWED = (
    "Chỉ Văn phòng Sở (cán bộ điều phối) duyệt minh chứng. Minh chứng của đơn vị anh/chị: "
    "gửi «/minhchung <số nhiệm vụ>» để xem, hoặc gửi ảnh/tệp kèm chú thích «nv 17 ...» để nộp."
)
READ_ONLY = "Lãnh đạo Sở xem được danh sách minh chứng nhưng không duyệt (chỉ xem)."


@intent("review")
async def review(ctx: Context) -> list[Reply]:
    return await review_inbox(ctx)


async def review_inbox(ctx: Context, *, task: int | None = None, after_id: int | None = None) -> list[Reply]:
    """The review queue, oldest first, one message per file (entry point for the evidence handler)."""
    user = ctx.user
    if not user.sees_all_units:
        return ctx.reply(NOT_ALLOWED)
    task = task if task is not None else getattr(ctx.nlu, "task", None)
    service = ctx.app.review
    page = await service.pending(user, task=task, after_id=after_id)
    where = f" của nhiệm vụ {task}" if task else ""
    if not page.items:
        if after_id is not None:
            return ctx.reply("Đã xem hết minh chứng chờ duyệt. ✅")
        return ctx.reply(f"Không có minh chứng nào{where} đang chờ duyệt. ✅")
    head = f"📎 **{page.total} minh chứng{where} chờ duyệt**"
    if after_id is None and not user.is_coordinator:
        head += f"\n{READ_ONLY}"
    replies = [Reply(head, private_only=True)] if after_id is None else []
    for ev in page.items:
        replies.append(_card(ctx, service, ev, buttons=user.is_coordinator))
    if page.remaining:
        replies.append(
            Reply(
                f"Còn {page.remaining} minh chứng nữa.",
                buttons=[[Button("Xem tiếp ▶", f"rv:n:{task or 0}:{page.items[-1].id}")]],
            )
        )
    return replies


def _card(ctx: Context, service: ReviewService, ev: EvidenceView, *, buttons: bool) -> Reply:
    units = ctx.app.units
    lines = [
        f"**NV {ev.task_number}** — {short(ev.task_title)}",
        f"Đơn vị: {units.name(ev.unit_id)} · tình trạng: {STATUS_NAMES.get(ev.lead_status, ev.lead_status)}",
        f"Tệp: {ev.label} ({_size(ev.size)}) — {ev.uploader or 'không rõ người gửi'}, {fmt_date(ev.created_at.date())}",
    ]
    if ev.caption and ev.caption != ev.label:
        lines.append(f"Chú thích: {short(ev.caption, 200)}")
    if ev.review_state != PENDING:
        lines.append(f"Trạng thái: {STATE_NAMES[ev.review_state]}")
    rows = (
        [[Button("✅ Chấp nhận", f"rv:a:{ev.id}"), Button("↩️ Trả lại", f"rv:r:{ev.id}")]] if buttons else []
    )
    path = service.file_path(ev)
    attached = (
        OutgoingFile(path, ev.file_name or path.name, ev.mime_type or "application/octet-stream", as_photo=ev.is_image)
        if path is not None
        else None
    )
    return Reply("\n".join(lines), buttons=rows, file=attached, private_only=True)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


@callback("rv")
async def press(ctx: Context) -> list[Reply]:
    try:
        action, *rest = ctx.args
        if action == "l":
            await _forget_comment(ctx)
            return await review_inbox(ctx, task=None)
        if action == "n":
            task, after = int(rest[0]), int(rest[1])
            return await review_inbox(ctx, task=task or None, after_id=after)
        evidence_id = int(rest[0])
    except (ValueError, IndexError):
        return ctx.reply("Nút này đã cũ. Gõ /minhchung để xem lại danh sách.")
    if action == "a":
        await _forget_comment(ctx)
        outcome = await ctx.app.review.accept(ctx.user, evidence_id, now=ctx.now)
        return await _after_review(ctx, outcome)
    if action == "r":
        return await _ask_comment(ctx, evidence_id)
    if action == "x":
        await _forget_comment(ctx)
        return [Reply("Đã hủy trả lại minh chứng.", edit=True)]
    return ctx.reply("Nút này đã cũ. Gõ /minhchung để xem lại danh sách.")


async def _ask_comment(ctx: Context, evidence_id: int) -> list[Reply]:
    if not ctx.user.is_coordinator:
        return ctx.reply(READ_ONLY if ctx.user.sees_all_units else NOT_ALLOWED)
    ev = await ctx.app.review.get(evidence_id)
    if ev is None:
        return ctx.reply("Không tìm thấy minh chứng này (có thể đã bị xóa).")
    if ev.review_state != PENDING:
        return ctx.reply(_already(ev))
    await ctx.app.inbox.update_state(
        ctx.message.channel, ctx.message.chat_id, ctx.now, awaiting={"kind": AWAIT_KIND, "evidence": ev.id}
    )
    return [
        Reply(
            f"Anh/chị nhập **lý do trả lại** minh chứng «{ev.label}» (NV {ev.task_number}, "
            f"{ctx.app.units.name(ev.unit_id)}). Đơn vị sẽ nhận được nguyên văn ý kiến này.",
            buttons=[[Button("✖️ Hủy", f"rv:x:{ev.id}")]],
        )
    ]


@intent(f"await:{AWAIT_KIND}")
async def comment_given(ctx: Context) -> list[Reply]:
    evidence_id = int(ctx.state.get("evidence", 0))
    outcome = await ctx.app.review.return_(ctx.user, evidence_id, ctx.message.text, now=ctx.now)
    return await _after_review(ctx, outcome)


async def _forget_comment(ctx: Context) -> None:
    """A pending «lý do trả lại» question is dropped when the coordinator moves on (otherwise their next
    sentence would be taken as the comment)."""
    state = await ctx.app.inbox.get_state(ctx.message.channel, ctx.message.chat_id, ctx.now) or {}
    if (state.get("awaiting") or {}).get("kind") == AWAIT_KIND:
        await ctx.app.inbox.update_state(ctx.message.channel, ctx.message.chat_id, ctx.now, awaiting=None)


def _already(ev: EvidenceView) -> str:
    who = f" bởi {ev.reviewer}" if ev.reviewer else ""
    return f"Minh chứng «{ev.label}» (NV {ev.task_number}) đã được duyệt trước đó{who}: {STATE_NAMES[ev.review_state]}."


async def _after_review(ctx: Context, outcome: ReviewOutcome) -> list[Reply]:
    if outcome.kind == "forbidden":
        return ctx.reply(NOT_ALLOWED)
    if outcome.kind == "read_only":
        return ctx.reply(READ_ONLY)
    if outcome.kind == "not_found":
        return ctx.reply("Không tìm thấy minh chứng này (có thể đã bị xóa).")
    if outcome.kind == "empty_comment":
        return ctx.reply("Cần ghi lý do trả lại. Bấm «Trả lại» lần nữa rồi nhập ý kiến.")
    ev = outcome.evidence
    if outcome.kind == "already_reviewed":
        fresh = await ctx.app.review.get(ev.id) or ev
        return ctx.reply(_already(fresh))
    unit = ctx.app.units.name(ev.unit_id)
    if outcome.kind == "accepted":
        text = f"✅ Đã xác nhận minh chứng «{ev.label}» — NV {ev.task_number}, {unit}."
        if outcome.verified:
            text += "\nPhần việc này nay được tính là **hoàn thành và đã xác nhận**."
    else:
        text = f"↩️ Đã trả lại minh chứng «{ev.label}» — NV {ev.task_number}, {unit}.\nÝ kiến: {ev.review_comment}"
    report = await ctx.app.review.notify(outcome)
    text += "\n" + notice_line(report, unit)
    return [Reply(text, edit=ctx.message.callback_data is not None)]


def notice_line(report: PushReport, unit: str) -> str:
    if report.recipients == 0:
        return f"⚠️ {unit} chưa có trưởng đơn vị đăng ký dùng trợ lý — xin báo trực tiếp."
    if report.delivered_or_queued:
        return f"Đã báo cho đơn vị ({report.delivered_or_queued} người)."
    if report.failed:
        return "⚠️ Chưa gửi được thông báo cho đơn vị (lỗi kênh nhắn tin) — xin báo trực tiếp."
    return "⚠️ Chưa gửi được thông báo: trưởng đơn vị chưa mở chat với trợ lý hoặc đã chặn trợ lý."
