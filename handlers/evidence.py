"""Evidence (minh chứng): a photo or a document proving a unit's share of a task was done.

- A file with a caption naming a task ("#17 biên bản kiểm tra", "nv 17 ...") is attached to the
  sender's share of that task — only members of a lead unit, or coordinators, may attach.
- A file without one: the bot keeps it (staged) and asks which task, with buttons of the sender's open
  tasks; the answer is a button (`ev:<lead_id>`) or a typed task number.
- The "📎 Đính kèm minh chứng" button of a task detail (`ev:<lead_id>`) with no file waiting asks for
  the file; the next file sent is attached there.
- "/minhchung 17" lists a task's evidence and sends the files back (everyone sees their own unit's;
  coordinators and leaders see every unit's).

A caption is matched only by an explicit number: a description ("biên bản kiểm tra") could pick the
wrong task, and evidence filed under the wrong task is worse than a question.
"""

from __future__ import annotations

import re

from conversation import state
from conversation.callbacks import AttachEvidence, InvalidButton, decode
from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import TELEGRAM, OutgoingFile, Reply
from handlers.review import review_inbox
from handlers.task_info import unknown_task_reply
from presentation import evidence as texts
from presentation import years
from presentation.common import NO_PLAN
from presentation.format import file_size
from services.access import visible_units
from services.errors import NoPlan
from services.evidence_service import AttachKind, EvidenceRefused, Received
from services.views import LeadView

# "#17", "nv 17", "nv17", "nhiệm vụ số 17", "việc 17", "NV.17"
_TASK = re.compile(
    r"(?:#\s*|\b(?:nv|nhiệm\s*vụ|nhiem\s*vu|việc|viec|task)\s*(?:số|so)?\s*[.:]?\s*)(\d{1,3})\b", re.IGNORECASE
)
_BARE_NUMBER = re.compile(r"^\s*(?:#\s*)?(\d{1,3})\s*[.!]?\s*$")
MAX_TASK_BUTTONS = 8
# Progress a caption may report along with the file. Not "not_started"/"blocked": "biên bản chưa ký"
# must not reset a task, and a blockage needs its reason asked for.
CAPTION_STATUSES = ("done", "in_progress")
MAX_FILES_BACK = 10
READ_ONLY = texts.READ_ONLY


def caption_task(text: str, nlu_task: int | None = None, nlu_source: str | None = None) -> int | None:
    """The task a caption names by number, or None."""
    match = _TASK.search(text or "")
    if match:
        return int(match.group(1))
    return nlu_task if nlu_source == "number" else None


@intent("evidence")
async def evidence(ctx: Context) -> list[Reply]:
    if ctx.message.attachments:
        return await receive(ctx)
    return await show_evidence(ctx)


# -- receiving a file -----------------------------------------------------------------------------------
async def receive(ctx: Context) -> list[Reply]:
    if not ctx.sender.can_write:
        return ctx.reply(READ_ONLY)
    service = ctx.app.evidence
    attachment = ctx.message.attachments[0]  # a Telegram message carries one file; an album is several messages
    try:
        service.precheck(attachment)
    except EvidenceRefused as refused:
        return ctx.reply(texts.refusal(refused))
    caption = ctx.message.text.strip()
    task = caption_task(caption, ctx.nlu.task, getattr(ctx.nlu, "task_source", None))
    chat = await state.load(ctx)
    lead: LeadView | None = None
    choices: list[LeadView] = []
    if task is not None:
        found = await _leads_for(ctx, task)
        if isinstance(found, list) and len(found) == 1:
            lead = found[0]
        elif isinstance(found, list):
            choices = found
        else:
            return found.as_replies()
    elif chat.evidence_for:
        lead = await ctx.app.statuses.can_update(ctx.sender, int(chat.evidence_for["lead_id"]))
    try:
        received = await service.fetch(attachment)
    except EvidenceRefused as refused:
        return ctx.reply(texts.refusal(refused))
    if lead is not None:
        if chat.evidence_for is not None:
            await state.change(ctx, evidence_for=None)
        replies = await _attach(ctx, lead, received, caption)
        if task is not None and ctx.nlu.status in CAPTION_STATUSES and replies[0].text.startswith("📎"):
            replies += await _caption_status(ctx, lead)
        return replies
    await service.stage(received)
    pending = {**received.as_state(), "caption": caption[:1000], "user_id": ctx.sender.id}
    if choices and task is not None:  # several shares of the task the caption named
        await state.change(ctx, evidence_pending=pending)
        return [texts.which_share(_name(received), task, _options(ctx, choices))]
    open_leads = await _open_leads(ctx)
    await state.change(ctx, evidence_pending=pending, awaiting={"kind": "evidence_task"})
    return [texts.which_task(_name(received), file_size(received.size), open_leads)]


class _Refusal:
    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies

    def as_replies(self) -> list[Reply]:
        return self.replies


async def _leads_for(ctx: Context, task: int) -> list[LeadView] | _Refusal:
    """The shares of `task` the sender may attach evidence to: their own unit's; for a coordinator
    whose unit does not lead it, every lead unit's."""
    try:
        leads = await ctx.app.queries.leads(task=task)
    except NoPlan:
        return _Refusal(ctx.reply(NO_PLAN))
    if not leads:
        detail = await ctx.app.queries.task_detail(task)
        if detail is None:
            return _Refusal(await unknown_task_reply(ctx, task))
        return _Refusal(ctx.reply(texts.no_lead_unit(task)))
    own = [lead for lead in leads if lead.unit_id == ctx.sender.unit_id]
    if own:
        return own
    if ctx.sender.is_coordinator:
        return leads
    units = ctx.app.units
    lead_units = ", ".join(dict.fromkeys(units.name(lead.unit_id) for lead in leads))
    return _Refusal(ctx.reply(texts.not_a_lead(task, lead_units, units.name(ctx.sender.unit_id))))


async def _open_leads(ctx: Context) -> list[LeadView]:
    """The sender's unit's unfinished shares, the nearest deadline first (the likeliest answers)."""
    try:
        leads = await ctx.app.queries.leads(unit_ids=[ctx.sender.unit_id])
    except NoPlan:
        return []

    def next_due(lead: LeadView):
        dues = [m.due for m in lead.milestones if m.due is not None and m.due >= ctx.today]
        return (min(dues) if dues else ctx.today.replace(year=ctx.today.year + 100), lead.task_number)

    open_leads = sorted((lead for lead in leads if lead.status != "done"), key=next_due)
    return open_leads[:MAX_TASK_BUTTONS]


async def _attach(ctx: Context, lead: LeadView, received: Received, caption: str | None) -> list[Reply]:
    service = ctx.app.evidence
    outcome = await service.attach(
        user_id=ctx.sender.id, lead_id=lead.lead_id, received=received, channel=ctx.message.channel,
        caption=caption or None, now=ctx.now,
    )
    if outcome.kind == "closed" and outcome.year is not None and outcome.closed_on is not None:
        return ctx.reply(years.closed(outcome.year, outcome.closed_on))
    unit = ctx.app.units.name(lead.unit_id)
    if outcome.kind is AttachKind.DUPLICATE:
        return ctx.reply(texts.duplicate(_name(received), lead.task_number, unit))
    suggest = lead.status != "done" and ctx.nlu.status not in CAPTION_STATUSES
    return ctx.reply(
        texts.attached(lead, unit, _name(received), file_size(received.size), outcome.count, suggest_done=suggest)
    )


async def _caption_status(ctx: Context, lead: LeadView) -> list[Reply]:
    """A caption that also reports progress ("nv 3 xong, biên bản kèm theo") records it too: the
    photo of the minutes and the word "xong" usually come together."""
    from handlers.update_status import apply_update

    pending = {
        "task": lead.task_number, "status": ctx.nlu.status, "percent": ctx.nlu.percent, "note": ctx.nlu.note,
        "text": ctx.message.text, "key": ctx.message.idempotency_key,
    }
    return await apply_update(ctx, pending, lead_id=lead.lead_id)


@callback(AttachEvidence)
async def press_evidence(ctx: Context) -> list[Reply]:
    """ev:<lead_id> — attach the file waiting in this chat, or ask for one. Re-authorised on every
    press: a keyboard forwarded to another unit does not let them file evidence there."""
    lead_id = ctx.pressed(AttachEvidence).lead_id
    lead = await ctx.app.statuses.can_update(ctx.sender, lead_id)
    if lead is None:
        return ctx.reply(texts.NOT_ALLOWED)
    pending = (await state.load(ctx)).evidence_pending
    if pending and pending.get("user_id") == ctx.sender.id:
        return await _attach_pending(ctx, lead, pending)
    await state.change(ctx, evidence_for={"lead_id": lead_id})
    return ctx.reply(texts.send_file_for(lead.task_number, texts.ACCEPTED, file_size(ctx.app.evidence.max_bytes)))


@intent("await:evidence_task")
async def answer_task(ctx: Context) -> list[Reply]:
    """The text typed after "which task is this file for?"."""
    chat = await state.load(ctx)
    pending = chat.evidence_pending
    if not pending or pending.get("user_id") != ctx.sender.id:
        return ctx.reply(texts.NOTHING_WAITING)
    text = ctx.message.text
    bare = _BARE_NUMBER.match(text)
    choices = [b for b in map(_evidence_button, chat.choices) if b is not None]
    if bare and ctx.message.channel != TELEGRAM and 1 <= int(bare.group(1)) <= len(choices):
        # channels without buttons show them numbered: "2" presses the second one
        lead = await ctx.app.statuses.can_update(ctx.sender, choices[int(bare.group(1)) - 1].lead_id)
        if lead is None:
            return ctx.reply(texts.NOT_ALLOWED_SHORT)
        return await _attach_pending(ctx, lead, pending)
    task = int(bare.group(1)) if bare else caption_task(text)
    if task is None:
        return ctx.reply(texts.WHICH_TASK_AGAIN)
    found = await _leads_for(ctx, task)
    if isinstance(found, _Refusal):
        return found.as_replies()
    if len(found) > 1:
        return [texts.which_share_again(task, _options(ctx, found))]
    return await _attach_pending(ctx, found[0], pending)


def _evidence_button(data: str) -> AttachEvidence | None:
    try:
        button = decode(data)
    except InvalidButton:
        return None
    return button if isinstance(button, AttachEvidence) else None


async def _attach_pending(ctx: Context, lead: LeadView, pending: dict) -> list[Reply]:
    service = ctx.app.evidence
    received = service.load_staged(pending)
    await state.change(ctx, evidence_pending=None, awaiting=None, evidence_for=None)
    if received is None:
        return ctx.reply(texts.STAGED_EXPIRED)
    return await _attach(ctx, lead, received, pending.get("caption"))


# -- listing a task's evidence ------------------------------------------------------------------------
async def show_evidence(ctx: Context) -> list[Reply]:
    task = ctx.nlu.task
    if task is None and ctx.sender.sees_all_units:  # coordinators and leaders: the review queue
        return await review_inbox(ctx)
    if task is None:
        return ctx.reply(texts.how_to(texts.ACCEPTED))
    service = ctx.app.evidence
    units = visible_units(ctx.sender)
    rows = await service.for_task(task, units)
    if rows is None:
        return ctx.reply(NO_PLAN)
    if not rows:
        if await ctx.app.queries.task_detail(task) is None:
            return await unknown_task_reply(ctx, task)
        whose = None if units is None else ctx.app.units.name(ctx.sender.unit_id)
        return ctx.reply(texts.none_yet(task, whose), private_only=True)
    lines = [texts.list_head(task, len(rows))]
    for i, row in enumerate(rows, 1):
        lines.append(texts.list_line(
            i, ctx.app.units.name(row.unit_id), row.file_name or _kind_name(row.mime_type), file_size(row.size),
            row.created_at.date(), row.uploaded_by, row.review_state,
        ))
    newest = rows[-MAX_FILES_BACK:]
    if len(rows) > MAX_FILES_BACK:
        lines.append(texts.newest_only(MAX_FILES_BACK))
    replies = [Reply("\n".join(lines), private_only=True)]
    for row in newest:
        path = service.absolute(row.path)
        if not path.is_file():
            replies.append(Reply(texts.missing_file(row.path), private_only=True))
            continue
        ext = row.path.rsplit(".", 1)[-1]
        replies.append(Reply(
            file=OutgoingFile(
                path=path, name=_download_name(row.file_name, task, row.sha256, ext), mime_type=row.mime_type,
                caption=texts.file_caption(task, ctx.app.units.name(row.unit_id), row.created_at.date()),
            ),
            private_only=True,
        ))
    return replies


# -- helpers ---------------------------------------------------------------------------------------------

def _name(received: Received) -> str:
    return received.file_name or texts.unnamed_file(image=received.type.ext in ("jpg", "png"))


def _kind_name(mime_type: str) -> str:
    return texts.IMAGE if mime_type.startswith("image/") else mime_type.rsplit("/", 1)[-1]


def _options(ctx: Context, leads: list[LeadView]) -> list[tuple[str, int]]:
    return [(texts.lead_label(ctx.app.units.name(o.unit_id), o), o.lead_id) for o in leads[:MAX_TASK_BUTTONS]]


def _download_name(file_name: str | None, task: int, sha256: str, ext: str) -> str:
    """The name the file is sent back under: the sender's, without any path, else a neutral one."""
    if file_name:
        name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
        if name and not name.startswith("."):
            return name[:200]
    return f"nv{task}-{sha256[:8]}.{ext}"
