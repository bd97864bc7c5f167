"""Every intent and button prefix has exactly one handler; a second claim fails at start-up."""

from __future__ import annotations

import pytest

import handlers
from conversation import registry


def test_all_handlers_load_without_conflicts():
    handlers.load_all()
    for name in ("list_tasks", "task_info", "update_status", "report_schedule", "targets", "progress",
                 "register", "help", "greeting", "unknown", "evidence", "export", "history", "broadcast",
                 "reminder_settings", "record_trigger"):
        assert name in registry.INTENTS, name
    assert {"st", "ls", "pk", "cf", "ev", "sn", "rv"} <= set(registry.CALLBACKS)


def test_a_second_handler_for_the_same_intent_is_refused():
    handlers.load_all()

    async def impostor(ctx):  # pragma: no cover - never called
        return []

    with pytest.raises(RuntimeError, match="task_info"):
        registry.intent("task_info")(impostor)
    with pytest.raises(RuntimeError, match="st"):
        registry.callback("st")(impostor)
    assert registry.INTENTS["task_info"].handler is not impostor
