"""Reminder settings in chat («tắt nhắc nhở», «bật lại», «nhắc trước 5 ngày», /nhacnho), the buttons
under a reminder (💤 1 ngày / 3 ngày / đến thứ Hai) and under the settings message, and for coordinators:
«xem trước nhắc nhở tháng 12» (the simulator) and «nv 54 giao QLTM, QLNL» (which units a scoped share
concerns).

Button data (prefix `sn`, ≤ 64 bytes): `sn:<delivery_id>:1d|3d|mon` snoozes from a reminder — the
delivery id proves the reminder was this person's; `sn:set:on|off|resume|d<N>` changes a setting.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from conversation.callbacks import Snooze
from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import Reply
from presentation import accounts as texts
from presentation.reminders import (
    COORDINATORS_ONLY,
    preview_label,
    preview_text,
    scope_assigned_text,
    settings_buttons,
    settings_error,
    settings_text,
    snoozed_text,
    unknown_scope_unit,
)
from services.reminders import SettingsError

OFF = texts.REMINDERS_OFF
ON = texts.REMINDERS_ON


def _request(nlu: Any) -> dict:
    """`nlu.reminder` is {"action": "off"|"on"|"days_before", "days": N} or None (show settings)."""
    value = getattr(nlu, "reminder", None)
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return {"action": getattr(value, "action", None), "days": getattr(value, "days", None)}


@intent("reminder_settings")
async def reminder_settings(ctx: Context) -> list[Reply]:
    request = _request(ctx.nlu)
    if request.get("action") == "preview":
        return await _preview(ctx, request.get("month"))
    if request.get("action") == "assign_scope":
        return await _assign_scope(ctx, request.get("task"), request.get("units") or "")
    return await _apply(ctx, request.get("action"), request.get("days"))


def _coordinator(ctx: Context) -> bool:
    return ctx.sender.role in ("coordinator", "admin")


async def _preview(ctx: Context, month: int | None) -> list[Reply]:
    """«xem trước nhắc nhở tháng 12»: the simulator over that month, on a throw-away copy."""
    if not _coordinator(ctx):
        return ctx.reply(COORDINATORS_ONLY)
    today = ctx.today
    if month is None:
        month = today.month % 12 + 1
    year = today.year if month >= today.month else today.year + 1
    start = dt.date(year, month, 1)
    end = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
    messages = await ctx.app.reminders.simulate(start, end, staff_all=True)
    return ctx.reply(preview_text(preview_label(month, year), messages, ctx.app.units, staff_all=True))


async def _assign_scope(ctx: Context, task: int | None, units_text: str) -> list[Reply]:
    """«nv 54 giao QLTM, QLNL»: from now on only those units are reminded of task 54's scoped share."""
    if not _coordinator(ctx):
        return ctx.reply(COORDINATORS_ONLY)
    directory = ctx.app.units
    typed = re.split(r"(?i)\bgiao(?:\s+cho)?\b", ctx.message.text or "", maxsplit=1)
    units_text = typed[1] if len(typed) == 2 else units_text  # the typed words keep their commas
    ids: list[str] = []
    for part in re.split(r"(?i)\s*(?:,|;|&|\+|\bvà\b|\bva\b)\s*", units_text):
        part = part.strip(" .")
        if not part:
            continue
        found = [directory.resolve(part)]
        if found[0] is None:  # «QLTM QLNL» without commas
            found = [directory.resolve(word) for word in part.split()]
        if None in found:
            return ctx.reply(unknown_scope_unit(part, task))
        ids.extend(u for u in found if u is not None and u not in ids)
    try:
        done = await ctx.app.reminders.assign_scope(int(task or 0), ids, ctx.sender.id)
    except SettingsError as exc:
        return ctx.reply(settings_error(exc.reason, exc.details, directory))
    return ctx.reply(scope_assigned_text(done.task, done.scope, [directory.name(u) for u in done.units]))


@callback(Snooze)
async def reminder_button(ctx: Context) -> list[Reply]:
    button = ctx.pressed(Snooze)
    first, choice = button.target, button.choice
    if choice is None:
        return ctx.reply(texts.OLD_REMINDER_BUTTON)
    if first == "set":
        if choice.startswith("d") and choice[1:].isdigit():
            return await _apply(ctx, "days_before", int(choice[1:]), edit=True)
        return await _apply(ctx, choice, None, edit=True)
    if not first.isdigit():
        return ctx.reply(texts.OLD_REMINDER_BUTTON)
    service = ctx.app.reminders
    try:
        until = await service.snooze(ctx.sender.id, int(first), choice, ctx.now)
    except SettingsError as exc:
        return ctx.reply(settings_error(exc.reason, exc.details, ctx.app.units))
    return ctx.reply(snoozed_text(until, service.tz))


async def _apply(ctx: Context, action: str | None, days: Any, *, edit: bool = False) -> list[Reply]:
    service = ctx.app.reminders
    uid = ctx.sender.id
    prefix = ""
    try:
        if action == "off":
            view, prefix = await service.set_enabled(uid, False), OFF
        elif action == "on":
            view, prefix = await service.set_enabled(uid, True), ON
        elif action == "resume":
            view, prefix = await service.resume(uid), texts.REMINDERS_RESUMED
        elif action == "days_before":
            if days is None:
                return ctx.reply(texts.ASK_DAYS)
            view = await service.set_days_before(uid, int(days))
            prefix = texts.days_before_set(int(days))
        else:
            view = await service.settings(uid)
    except (SettingsError, ValueError) as exc:
        if isinstance(exc, SettingsError):
            return ctx.reply(settings_error(exc.reason, exc.details, ctx.app.units))
        return ctx.reply(texts.BAD_DAYS)
    return [Reply(text=prefix + settings_text(view, service.tz), buttons=settings_buttons(view), edit=edit)]
