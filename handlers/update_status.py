"""'nv 17 đang làm 60%', 'xong nhiệm vụ 3', status buttons: recording a unit's progress on a task.

Nothing is written when the sender may not write it, when the task does not exist, or when the bot is
unsure what was meant (it asks first). Every button press is re-authorised: a keyboard forwarded to
someone of another unit does not let them change the task.

Whose share: a head or officer writes their own unit's; a coordinator writes the share of the unit the
message names («cập nhật giúp phòng X: nv 17 đạt 70%»), and is asked which unit when the task has
several lead units and none is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conversation import state
from conversation.callbacks import Confirm, PickShare, SetStatus
from conversation.context import Context
from conversation.nlu.slots import percent_out_of_range
from conversation.registry import callback, intent
from domain.messages import Reply
from domain.text import fold
from handlers.task_info import unknown_task_reply
from presentation import status as texts
from presentation import years
from presentation.common import NO_PLAN, status_buttons
from presentation.status import percent_range_reply
from services.access import ShareChoiceKind, chooses_share, share_to_write
from services.errors import NoPlan
from services.status_service import UpdateKind, UpdateOutcome, UpdateRecorded
from services.views import ShareRef

CONFIDENT = 0.75


@intent("update_status")
async def update_status(ctx: Context) -> list[Reply]:
    nlu = ctx.nlu
    task, confidence = nlu.task, nlu.confidence
    if task is None and ctx.chat.task is not None and nlu.status is not None:
        task, confidence = ctx.chat.task, min(confidence, CONFIDENT - 0.05)  # the task just talked about: ask
    if task is None:
        if nlu.status is not None:
            return ctx.reply(texts.ask_task_after_guess(ctx.message.text.strip()[:60], nlu.status))
        return ctx.reply(texts.ASK_TASK)
    wrong = percent_out_of_range(fold(ctx.message.text or ""))
    if wrong is not None:  # «250%»: nothing is written, the previous percent stays
        return ctx.reply(percent_range_reply(task, wrong))
    if nlu.status is None:
        leads = await ctx.app.queries.leads(unit_ids=[ctx.sender.unit_id], task=task, year=nlu.year)
        if len(leads) == 1:
            return [Reply(texts.choose_status(task), buttons=status_buttons(leads[0]))]
        return ctx.reply(texts.ask_status(task))
    pending = {
        "action": "update", "task": task, "status": nlu.status, "percent": nlu.percent, "note": nlu.note,
        "text": ctx.message.text, "key": ctx.message.idempotency_key, "year": getattr(nlu, "year", None),
    }
    target = await _target(ctx, task, nlu.target_unit)
    if isinstance(target, list):
        return target
    if target is not None:
        pending["lead_id"] = target
    if confidence < CONFIDENT and target is None and ctx.sender.can_write and not ctx.sender.is_coordinator:
        refusal = await _not_a_lead(ctx, task)
        if refusal is not None:  # no «are you sure?» for an update that would be refused anyway
            return refusal
    if confidence < CONFIDENT:
        await state.change(ctx, pending=pending)
        title = await _title(ctx, task)
        unit = ctx.app.units.name(nlu.target_unit) if nlu.target_unit else None
        return [texts.confirm(task, nlu.status, nlu.percent, title, unit)]
    return await apply_update(ctx, pending, lead_id=target)


async def _not_a_lead(ctx: Context, task: int) -> list[Reply] | None:
    """The refusal the status service would give when the sender's unit leads no share of `task`."""
    try:
        leads = await ctx.app.queries.shares(task=task, year=ctx.nlu.year)
    except NoPlan:
        return None
    lead_units = list(dict.fromkeys(lead.unit_id for lead in leads))
    if not lead_units or ctx.sender.unit_id in lead_units:
        return None
    return ctx.reply(texts.forbidden(task, lead_units, ctx.sender.unit_id, ctx.app.units))


async def _target(ctx: Context, task: int, named: str | None) -> int | list[Reply] | None:
    """The share a coordinator writes (`services.access.share_to_write`): the named unit's, or a question
    when the task has several lead units and none is named. None: the status service decides (the
    sender's own unit). Only who leads the task is read — not its history, which the status service's
    write and the next reader's catch-up deal with."""
    user, units = ctx.sender, ctx.app.units
    leads: Sequence[ShareRef] = []
    if chooses_share(user):
        try:
            leads = await ctx.app.queries.shares(task=task, year=ctx.nlu.year)
        except NoPlan:
            return ctx.reply(NO_PLAN)
    choice = share_to_write(user, named, leads)
    if choice.kind is ShareChoiceKind.OTHER_UNIT:
        return ctx.reply(texts.other_unit_refused(task, units.name(named or ""), units.name(user.unit_id)))
    if choice.kind is ShareChoiceKind.NOT_A_LEAD:
        return ctx.reply(texts.not_a_lead(task, units.name(named or ""), choice.lead_units, units))
    if choice.kind is ShareChoiceKind.ONE:
        return choice.lead_id
    if choice.kind is ShareChoiceKind.OWN:
        return None
    pending = {
        "action": "update", "task": task, "status": ctx.nlu.status, "percent": ctx.nlu.percent,
        "note": ctx.nlu.note, "text": ctx.message.text, "key": ctx.message.idempotency_key, "year": ctx.nlu.year,
    }
    await state.change(ctx, pending=pending)
    mine = choice.options
    return [texts.choose_share(task, mine, units, units_differ=len({lead.unit_id for lead in mine}) > 1)]


async def _title(ctx: Context, task: int) -> str | None:
    try:
        detail = await ctx.app.queries.task_detail(task)
    except NoPlan:
        return None
    return detail.title if detail else None


async def apply_update(ctx: Context, pending: dict[str, Any], lead_id: int | None = None) -> list[Reply]:
    try:
        outcome = await ctx.app.statuses.update(
            ctx.sender, task=pending["task"], status=pending["status"], percent=pending.get("percent"),
            note=pending.get("note"), channel=ctx.message.channel, text=pending.get("text"), key=pending.get("key"),
            now=ctx.now, lead_id=lead_id if lead_id is not None else pending.get("lead_id"),
            year=pending.get("year"),
        )
    except NoPlan as exc:
        return ctx.reply(years.no_plan_for_year(exc.year) if exc.year is not None else NO_PLAN)
    return await render(ctx, outcome, pending)


async def render(ctx: Context, outcome: UpdateRecorded | UpdateOutcome, pending: dict[str, Any]) -> list[Reply]:
    units = ctx.app.units
    task = pending["task"]
    if isinstance(outcome, UpdateRecorded):
        ctx.focus = outcome.lead.task_number
        if outcome.completed:
            done = texts.milestone_recorded(outcome.lead, outcome.completed, outcome.remaining, units, task)
        else:
            done = texts.recorded(outcome.lead, outcome.previous, units, pending.get("note"), task)
        return ctx.reply(years.with_year(done, outcome.year))
    match outcome.kind:
        case UpdateKind.DUPLICATE:
            return ctx.reply(texts.DUPLICATE)
        case UpdateKind.UNKNOWN_TASK:
            return await unknown_task_reply(ctx, task)
        case UpdateKind.READ_ONLY:
            return ctx.reply(texts.READ_ONLY)
        case UpdateKind.FORBIDDEN:
            return ctx.reply(texts.forbidden(task, outcome.lead_units, ctx.sender.unit_id, units))
        case UpdateKind.CHOOSE:
            await state.change(ctx, pending=pending)
            differ = len({o.unit_id for o in outcome.options}) > 1
            return [texts.choose_share(task, outcome.options, units, units_differ=differ)]
        case UpdateKind.CLOSED if outcome.year is not None and outcome.closed_on is not None:
            return ctx.reply(years.closed(outcome.year, outcome.closed_on))
        case UpdateKind.BAD_PERCENT:
            low, high = outcome.percent_range
            return ctx.reply(texts.bad_percent(task, low, high))
    return ctx.reply(texts.BAD_STATUS)


@callback(SetStatus)
async def press_status(ctx: Context) -> list[Reply]:
    """st:<lead_id>:<status> — from a task detail or a reminder."""
    button = ctx.pressed(SetStatus)
    lead = await ctx.app.statuses.can_update(ctx.sender, button.lead_id)
    if lead is None:
        return ctx.reply(texts.NOT_ALLOWED_BUTTON)
    pending = {
        "task": lead.task_number, "status": button.status, "text": f"[nút] {button.status}",
        "key": ctx.message.press_key,
    }
    if button.status == "blocked":
        await state.change(ctx, awaiting={"kind": "reason", "lead_id": button.lead_id})
        return ctx.reply(texts.ask_reason(lead.task_number))
    return await apply_update(ctx, pending, lead_id=button.lead_id)


@intent("await:reason")
async def blocked_reason(ctx: Context) -> list[Reply]:
    """The text after pressing ⚠️ Vướng mắc is the reason."""
    lead_id = int(ctx.state["lead_id"])
    lead = await ctx.app.statuses.can_update(ctx.sender, lead_id)
    if lead is None:
        return ctx.reply(texts.NOT_ALLOWED_BUTTON)
    pending = {
        "task": lead.task_number, "status": "blocked", "note": ctx.message.text.strip()[:1000],
        "text": ctx.message.text, "key": ctx.message.idempotency_key,
    }
    return await apply_update(ctx, pending, lead_id=lead_id)


@callback(PickShare)
async def pick_part(ctx: Context) -> list[Reply]:
    """pk:<lead_id> — which unit's share a pending update is for."""
    pending = (await state.load(ctx)).pending
    if not pending:
        return ctx.reply(texts.EXPIRED)
    await state.change(ctx, pending=None)
    return await apply_update(ctx, pending, lead_id=ctx.pressed(PickShare).lead_id)


@callback(Confirm)
async def confirm_button(ctx: Context) -> list[Reply]:
    return await _confirm(ctx, ctx.pressed(Confirm).answer == "yes")


@intent("confirm")
async def confirm_text(ctx: Context) -> list[Reply]:
    return await _confirm(ctx, True)


@intent("deny", "cancel")
async def deny_text(ctx: Context) -> list[Reply]:
    return await _confirm(ctx, False)


async def _confirm(ctx: Context, yes: bool) -> list[Reply]:
    chat = await state.load(ctx)
    pending = chat.pending
    if not pending and chat.broadcast:  # a notice waiting for «Gửi»: a typed yes / no answers it
        from handlers.broadcast import decide

        return await decide(ctx, yes, edit=False)
    await state.change(ctx, pending=None, awaiting=None)
    if not pending:
        return ctx.reply(texts.NOTHING_PENDING if yes else texts.CANCELLED)
    if not yes:
        return ctx.reply(texts.CANCELLED_NOTHING_CHANGED)
    if pending.get("action") == "target_figure":  # a target figure waiting for «có» (handlers/targets.py)
        from handlers.targets import apply_figure

        return await apply_figure(ctx, pending)
    return await apply_update(ctx, pending)
