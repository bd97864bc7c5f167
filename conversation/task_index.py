"""The NLU's task index for the current plan (task matching by description needs the plan's words).

Built from the stored plan; when the database holds no plan yet (a fresh install, `cchc-bot nlu` on an
empty data directory) it falls back to the bundled seed plan, so that questions naming a task by its
description still resolve to the task numbers the bot will import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conversation.nlu import TaskIndex
from domain.plan import ParsedPlan
from services.errors import NoPlan

if TYPE_CHECKING:
    from services.container import App


def task_index_from_dump(plan: dict[str, Any]) -> TaskIndex:
    """From the docs/contracts.md §2 dump shape."""
    tasks = [
        (t["number"], t["title"], [p for a in t.get("assignments", []) for p in a.get("products", [])])
        for t in plan.get("tasks", [])
    ]
    return TaskIndex.from_tasks(tasks, {s["number"]: s["title"] for s in plan.get("sections", [])})


def task_index_from_parsed(plan: ParsedPlan) -> TaskIndex:
    """From a freshly parsed plan document (importers)."""
    tasks = [(t.number, t.title, [p for a in t.assignments for p in a.products]) for t in plan.tasks]
    return TaskIndex.from_tasks(tasks, {s.number: s.title for s in plan.sections})


async def load_task_index(app: App) -> TaskIndex:
    try:
        return task_index_from_dump(await app.plans.dump())
    except NoPlan:
        return task_index_from_parsed(app.plans.parse(app.config.seed_plan_file))
