"""One bootstrap: `build_app` builds every service once as a typed field, and nothing else in the
product constructs one."""

from __future__ import annotations

import ast
import dataclasses
import typing
from pathlib import Path

from services import container
from services.container import AppConfig

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("bot", "scheduler", "conversation", "handlers", "presentation", "services", "storage", "domain")


def service_fields() -> dict[str, type]:
    hints = typing.get_type_hints(container.App)
    return {
        f.name: hints[f.name] for f in dataclasses.fields(container.App)
        if isinstance(hints[f.name], type) and hints[f.name].__module__.startswith("services.")
    }


async def test_every_field_of_the_container_is_built_with_its_type(app):
    fields = service_fields()
    assert {"plans", "users", "queries", "statuses", "inbox", "reminders", "review", "evidence", "exports",
            "accounts", "broadcasts", "reachability"} <= set(fields)
    for name, kind in fields.items():
        assert isinstance(getattr(app, name), kind), name
    assert isinstance(app.config, AppConfig) and app.config.data_dir == app.settings.cchc_data_dir
    assert app.broadcasts.senders is app.senders  # a channel registered later is used by the next push


# The one deliberate exception: the reminder simulator (docs/contracts.md §4) runs a second reminder service on a
# throw-away copy of the database, built from the running service's own parts.
ALLOWED = {((ROOT / "services" / "reminders" / "service.py").as_posix(), "ReminderService")}


def test_no_service_is_constructed_outside_the_bootstrap():
    names = {kind.__name__ for kind in service_fields().values()}
    found = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "bot" / "bootstrap.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                    if called in names and (path.as_posix(), called) not in ALLOWED:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {called}(...)")
    assert found == []


def test_a_bot_process_starts_without_the_office_and_chart_libraries():
    """Every `cchc-bot run` (and every webhook worker) imports the whole composition; openpyxl (which
    loads numpy), python-docx/docxtpl and matplotlib are loaded only when a file is written or a chart
    drawn — at start they cost ~0.4 s and ~30 MB per process (issue 15's memory goal)."""
    import subprocess
    import sys

    heavy = ("openpyxl", "numpy", "docx", "docxtpl", "matplotlib", "PIL")
    script = ("import sys, bot.cli, bot.commands.run, bot.bootstrap, web.server, scheduler.runner; "
              f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
