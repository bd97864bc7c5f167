"""Evidence review in chat: coordinators page through the files units sent, accept them or return them
with a comment; the unit's head is notified through the paced sending path.

Reached by intent `review` (/duyet) — and by `/minhchung` from a coordinator or leader without a file:
the evidence handler hands over with `review_inbox(ctx)`.

Buttons (`conversation.callbacks.Review`, re-authorised on every press — a forwarded keyboard gives
nobody rights): `rv:a:<id>` accept · `rv:r:<id>` return (asks for the comment) · `rv:x:<id>` cancel
the return · `rv:n:<task|0>:<after id>` next page · `rv:l` the queue from the start (the daily
digest's button). Leaders see the queue without buttons (read-only).
"""

from __future__ import annotations

from conversation import state
from conversation.callbacks import Review
from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import OutgoingFile, Reply
from presentation import review as texts
from services.access import Permission, coordinating
from services.review_service import PENDING, EvidenceView, ReviewKind, ReviewOutcome, ReviewService

AWAIT_KIND = "review_comment"
NOT_ALLOWED = texts.NOT_ALLOWED
READ_ONLY = texts.READ_ONLY


@intent("review")
async def review(ctx: Context) -> list[Reply]:
    return await review_inbox(ctx)


async def review_inbox(ctx: Context, *, task: int | None = None, after_id: int | None = None) -> list[Reply]:
    """The review queue, oldest first, one message per file (entry point for the evidence handler)."""
    user = ctx.sender
    if coordinating(user) is Permission.FORBIDDEN:  # leaders look at the queue, read only
        return ctx.reply(NOT_ALLOWED)
    task = task if task is not None else getattr(ctx.nlu, "task", None)
    service = ctx.app.review
    page = await service.pending(user, task=task, after_id=after_id)
    if not page.items:
        return ctx.reply(texts.ALL_SEEN if after_id is not None else texts.nothing_waiting(task))
    head = texts.queue_head(page.total, task, read_only=coordinating(user) is not Permission.ALLOWED)
    replies = [Reply(head, private_only=True)] if after_id is None else []
    for ev in page.items:
        replies.append(_card(ctx, service, ev, buttons=coordinating(user) is Permission.ALLOWED))
    if page.remaining:
        replies.append(texts.more(page.remaining, task, page.items[-1].id))
    return replies


def _card(ctx: Context, service: ReviewService, ev: EvidenceView, *, buttons: bool) -> Reply:
    path = service.file_path(ev)
    attached = (
        OutgoingFile(path, ev.file_name or path.name, ev.mime_type or "application/octet-stream", as_photo=ev.is_image)
        if path is not None
        else None
    )
    return texts.card(ev, ctx.app.units, buttons=buttons, attached=attached)


@callback(Review)
async def press(ctx: Context) -> list[Reply]:
    button = ctx.pressed(Review)
    if button.action == "l":
        await _forget_comment(ctx)
        return await review_inbox(ctx, task=None)
    if button.first is None or (button.action == "n" and button.second is None):
        return ctx.reply(texts.OLD_BUTTON)
    if button.action == "n":
        return await review_inbox(ctx, task=button.first or None, after_id=button.second)
    if button.action == "a":
        await _forget_comment(ctx)
        outcome = await ctx.app.review.accept(ctx.sender, button.first, now=ctx.now)
        return await _after_review(ctx, outcome)
    if button.action == "r":
        return await _ask_comment(ctx, button.first)
    await _forget_comment(ctx)  # "x"
    return [Reply(texts.RETURN_CANCELLED, edit=True)]


async def _ask_comment(ctx: Context, evidence_id: int) -> list[Reply]:
    permission = coordinating(ctx.sender)
    if permission is not Permission.ALLOWED:
        return ctx.reply(READ_ONLY if permission is Permission.READ_ONLY else NOT_ALLOWED)
    ev = await ctx.app.review.get(evidence_id)
    if ev is None:
        return ctx.reply(texts.NOT_FOUND)
    if ev.review_state != PENDING:
        return ctx.reply(texts.already(ev))
    await state.change(ctx, awaiting={"kind": AWAIT_KIND, "evidence": ev.id})
    return [texts.ask_comment(ev, ctx.app.units)]


@intent(f"await:{AWAIT_KIND}")
async def comment_given(ctx: Context) -> list[Reply]:
    evidence_id = int(ctx.state.get("evidence", 0))
    outcome = await ctx.app.review.return_(ctx.sender, evidence_id, ctx.message.text, now=ctx.now)
    return await _after_review(ctx, outcome)


async def _forget_comment(ctx: Context) -> None:
    """A pending «lý do trả lại» question is dropped when the coordinator moves on (otherwise their next
    sentence would be taken as the comment)."""
    if (await state.load(ctx)).awaiting_kind == AWAIT_KIND:
        await state.change(ctx, awaiting=None)


async def _after_review(ctx: Context, outcome: ReviewOutcome) -> list[Reply]:
    if outcome.kind is ReviewKind.FORBIDDEN:
        return ctx.reply(NOT_ALLOWED)
    if outcome.kind is ReviewKind.READ_ONLY:
        return ctx.reply(READ_ONLY)
    if outcome.kind is ReviewKind.NOT_FOUND:
        return ctx.reply(texts.NOT_FOUND)
    if outcome.kind is ReviewKind.EMPTY_COMMENT:
        return ctx.reply(texts.EMPTY_COMMENT)
    ev = outcome.file
    if outcome.kind is ReviewKind.ALREADY_REVIEWED:
        fresh = await ctx.app.review.get(ev.id) or ev
        return ctx.reply(texts.already(fresh))
    unit = ctx.app.units.name(ev.unit_id)
    report = await ctx.app.review.notify(outcome, texts.review_notice(outcome, ctx.app.units))
    text = texts.reviewed(outcome, unit) + "\n" + texts.notice_line(report, unit)
    return [Reply(text, edit=ctx.message.callback_data is not None)]
