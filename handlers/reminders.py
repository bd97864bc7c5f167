"""Reminder settings in chat («tắt nhắc nhở», «bật lại», «nhắc trước 5 ngày», /nhacnho) and the
buttons under a reminder (💤 1 ngày / 3 ngày / đến thứ Hai) and under the settings message.

Button data (prefix `sn`, ≤ 64 bytes): `sn:<delivery_id>:1d|3d|mon` snoozes from a reminder — the
delivery id proves the reminder was this person's; `sn:set:on|off|resume|d<N>` changes a setting.
"""

from __future__ import annotations

from typing import Any

from conversation.callbacks import Snooze
from conversation.context import Context
from conversation.registry import callback, intent
from domain.messages import Reply
from presentation import accounts as texts
from presentation.reminders import settings_buttons, settings_text, snoozed_text
from services.reminder_service import SettingsError

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
    return await _apply(ctx, request.get("action"), request.get("days"))


@callback(Snooze)
async def reminder_button(ctx: Context) -> list[Reply]:
    first, choice = ctx.button.target, ctx.button.choice
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
        until = await service.snooze(ctx.user.id, int(first), choice, ctx.now)
    except SettingsError as exc:
        return ctx.reply(str(exc))
    return ctx.reply(snoozed_text(until, service.tz))


async def _apply(ctx: Context, action: str | None, days: Any, *, edit: bool = False) -> list[Reply]:
    service = ctx.app.reminders
    uid = ctx.user.id
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
        return ctx.reply(str(exc) if isinstance(exc, SettingsError) else texts.BAD_DAYS)
    return [Reply(text=prefix + settings_text(view, service.tz), buttons=settings_buttons(view), edit=edit)]
