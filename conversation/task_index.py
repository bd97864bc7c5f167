"""The NLU's task index for the current plan (task matching by description needs the plan's words).

Built from the stored plan's words (`PlanService.texts`); when the database holds no plan yet (a fresh
install, `cchc-bot nlu` on an empty data directory) it falls back to the bundled seed plan, so that
questions naming a task by its description still resolve to the task numbers the bot will import.

An index depends on the words alone, so equal words share one index in a process: a process serving
one plan builds it once, whatever number of apps (the web view, the bot, a test's fresh app) ask.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from conversation.nlu import TaskIndex, Understander
from domain.plan import ParsedPlan, PlanTexts
from services.errors import NoPlan

if TYPE_CHECKING:
    from domain.units import UnitDirectory
    from domain.workdays import WorkingCalendar
    from services.container import App


def task_index_from_parsed(plan: ParsedPlan) -> TaskIndex:
    """From a freshly parsed plan document (importers)."""
    return task_index_of(PlanTexts.of(plan))


@lru_cache(maxsize=8)
def task_index_of(texts: PlanTexts) -> TaskIndex:
    """The index of these words (read-only once built, so shared)."""
    return TaskIndex.from_tasks(((n, t, list(p)) for n, t, p in texts.tasks), dict(texts.sections))


async def load_task_index(app: App) -> TaskIndex:
    try:
        return task_index_of(await app.plans.texts())
    except NoPlan:
        seed = Path(app.config.seed_plan_file)
        key = (str(seed), seed.stat().st_mtime_ns)  # the bundled plan is read once per process
        if key not in _SEED_TEXTS:
            _SEED_TEXTS[key] = PlanTexts.of(app.plans.parse(seed))
        return task_index_of(_SEED_TEXTS[key])


_SEED_TEXTS: dict[tuple[str, int], PlanTexts] = {}


def understander_for(units: UnitDirectory, index: TaskIndex, workdays: WorkingCalendar | None) -> Understander:
    """The NLU for this index and these units and working days, built once per process for equal ones
    (units and calendars are plain configuration: equal when their reprs are; the index by identity)."""
    key = (id(index), repr(units), repr(workdays))
    cached = _UNDERSTANDERS.get(key)
    if cached is None or cached[0] is not index:
        if len(_UNDERSTANDERS) >= 8:
            _UNDERSTANDERS.pop(next(iter(_UNDERSTANDERS)))
        cached = _UNDERSTANDERS[key] = (index, Understander(units, index, workdays=workdays))
    return cached[1]


_UNDERSTANDERS: dict[tuple[int, str, str], tuple[TaskIndex, Understander]] = {}
