"""Each person's reminder settings («tắt nhắc nhở», «nhắc trước N ngày», snooze buttons) and which units a
scoped collective share concerns («nv 54 giao QLTM, QLNL»)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.clock import Clock
from domain.reminders.model import SNOOZE_CODES, Recipient, SettingsView, aware
from domain.reminders.policy import ReminderPolicy
from domain.reminders.scopes import collective
from domain.workdays import WorkingCalendar
from storage.repositories.reminders import PersonSettings
from storage.uow import UnitOfWorkFactory

MAX_DAYS_BEFORE = 20  # «nhắc trước N ngày»: a month of working days is the most that still helps


class SettingsError(ValueError):
    """A settings request the service refuses: `reason` (no_user, days_out_of_range, bad_snooze,
    not_your_reminder, no_units, not_scoped, outside_scope) and its details; presentation words it."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class ScopeAssigned:
    task: int
    scope: str
    units: tuple[str, ...]


class ReminderSettings:
    def __init__(self, uow: UnitOfWorkFactory, policy: ReminderPolicy, workdays: WorkingCalendar, clock: Clock,
                 tz: ZoneInfo) -> None:
        self.uow = uow
        self.policy = policy
        self.workdays = workdays
        self.clock = clock
        self.tz = tz

    async def assign_scope(self, task_number: int, unit_ids: Sequence[str], user_id: int | None) -> ScopeAssigned:
        """From now on the scoped share of the task (its newest plan's collective rows) is reminded to
        those units only."""
        if not unit_ids:
            raise SettingsError("no_units")
        wanted = list(dict.fromkeys(unit_ids))
        async with self.uow() as uow:
            rows = [r for r in await uow.reminders.scoped_assignments(task_number) if collective(r[2])]
            rows = [r for r in rows if r[0] == rows[0][0]] if rows else []
            if not rows:
                raise SettingsError("not_scoped", task=task_number)
            leads = {u for _, _, lead, _ in rows for u in lead}
            outside = [u for u in unit_ids if u not in leads]
            if outside:
                raise SettingsError("outside_scope", task=task_number, units=tuple(outside))
            for _year, assignment_id, _lead, _scope in rows:
                await uow.reminders.assign_scope(assignment_id, wanted, user_id)
            await uow.commit()
        return ScopeAssigned(task_number, rows[0][3], tuple(wanted))

    async def settings(self, user_id: int) -> SettingsView:
        async with self.uow() as uow:
            user = await uow.reminders.settings(user_id)
        if user is None:
            raise SettingsError("no_user")
        return self._view(user)

    async def set_enabled(self, user_id: int, enabled: bool) -> SettingsView:
        """«tắt nhắc nhở» / «bật lại». Turning on also ends a snooze: the person wants reminders now."""
        return await self._update(user_id, reminders_enabled=enabled, **({"snoozed_until": None} if enabled else {}))

    async def set_days_before(self, user_id: int, days: int) -> SettingsView:
        """«nhắc trước N ngày»: the first reminder N working days before; asking for it turns reminders on."""
        if not 0 <= days <= MAX_DAYS_BEFORE:
            raise SettingsError("days_out_of_range", most=MAX_DAYS_BEFORE)
        return await self._update(user_id, remind_days_before=days, reminders_enabled=True)

    async def resume(self, user_id: int) -> SettingsView:
        return await self._update(user_id, snoozed_until=None)

    async def snooze(self, user_id: int, delivery_id: int, choice: str, now: dt.datetime) -> dt.datetime:
        """A snooze button on a reminder: pause this person's reminders until a working morning."""
        if choice not in SNOOZE_CODES:
            raise SettingsError("bad_snooze")
        async with self.uow() as uow:
            repo = uow.reminders
            if await repo.delivery_owner(delivery_id) != user_id:
                raise SettingsError("not_your_reminder")
            until = self.snooze_until(now, choice)
            await repo.update_settings(user_id, snoozed_until=until.astimezone(dt.UTC))
            await uow.commit()
        return until

    def snooze_until(self, now: dt.datetime, choice: str) -> dt.datetime:
        """1 ngày → the next working morning; 3 ngày → the third working day's morning; đến thứ Hai →
        next Monday's morning (a holiday Monday simply sends nothing until the window opens)."""
        today = aware(now).astimezone(self.tz).date()
        if choice == "1d":
            day = self.workdays.add_working_days(today, 1)
        elif choice == "3d":
            day = self.workdays.add_working_days(today, 3)
        else:
            day = today + dt.timedelta(days=7 - today.weekday())
        return dt.datetime.combine(day, self.policy.window_start, self.tz)

    async def _update(self, user_id: int, **values: object) -> SettingsView:
        async with self.uow() as uow:
            user = await uow.reminders.update_settings(user_id, **values)
            if user is None:
                raise SettingsError("no_user")
            view = self._view(user)
            await uow.commit()
            return view

    def _view(self, user: PersonSettings) -> SettingsView:
        person = Recipient(
            user_id=user.user_id, unit_id=user.unit_id, role=user.role, enabled=user.reminders_enabled,
            days_before=user.remind_days_before, snoozed_until=user.snoozed_until,
        )
        snoozed = aware(user.snoozed_until) if user.snoozed_until else None
        if snoozed is not None and snoozed <= self.clock.now():
            snoozed = None
        enabled = person.wants_items(self.policy) or person.wants_overview(self.policy)
        return SettingsView(
            role=user.role, enabled=enabled, explicit=user.reminders_enabled, days_before=user.remind_days_before,
            offsets=self.policy.offsets_for(user.remind_days_before), snoozed_until=snoozed,
        )
