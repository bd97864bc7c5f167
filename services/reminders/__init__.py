"""The reminders room, services side: planning (`planning`), delivery (`delivery`), the simulator
(`simulator`), per-person settings and scopes (`settings`), and the use case the app holds (`service`).
The rules themselves are in `domain.reminders`; the wording in `presentation.reminders`."""

from services.reminders.service import ReminderService, as_contract
from services.reminders.settings import ScopeAssigned, SettingsError
from services.reminders.simulator import SimulatedMessage
from services.reminders.ticks import TickReport

__all__ = ["ReminderService", "ScopeAssigned", "SettingsError", "SimulatedMessage", "TickReport", "as_contract"]
