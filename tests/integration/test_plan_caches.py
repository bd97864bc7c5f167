"""What is remembered per plan version, and when it is forgotten. A year's plan named in a question
(«năm 2022 …») is remembered like the current plan: an import or a closing in this process forgets it at
once, an import by another process is seen within VERSION_TTL. The number of a version's tasks and the
targets of a plan are remembered per version, so they follow every re-import — the targets at once, even
one by another process, because their version is read with the plan each time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import build_app
from domain.clock import FixedClock
from services import plan_service
from services.plan_service import VERSION_TTL
from tests.conftest import SEED, make_settings
from tests.statements import reads_of, statements

RENUMBERED = Path(__file__).resolve().parents[1] / "data" / "ke-hoach-cchc-2023-renumbered.txt"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Ticking:
    """Stands for the `time` module in services/plan_service.py: its monotonic clock moves when told."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def ticking(monkeypatch) -> Ticking:
    clock = Ticking()
    monkeypatch.setattr(plan_service, "time", clock)
    return clock


@pytest.fixture
async def two_processes(tmp_path):
    """Two apps on one database, as two bot processes: 2022's plan and 2023's (current in January 2023)."""
    clock = FixedClock(dt.datetime(2023, 1, 10, 9, 0, tzinfo=TZ))
    here = await build_app(make_settings(tmp_path), clock=clock)
    await here.plans.import_plan(SEED)
    await here.plans.import_plan(RENUMBERED)
    there = await build_app(make_settings(tmp_path), clock=clock)
    try:
        yield here, there
    finally:
        await there.close()
        await here.close()


def without_last_task(app):
    parsed = app.plans.parse(SEED)
    return dataclasses.replace(parsed, tasks=parsed.tasks[:-1])


async def test_a_named_year_is_read_once_and_a_reimport_here_is_seen_at_once(two_processes, ticking):
    here, _ = two_processes
    before = await here.plans.version(2022)
    tasks = (await here.queries.plan_info(2022) or (0, 0, 0))[2]
    with statements(here) as sent:
        assert await here.plans.version(2022) == before
        assert (await here.queries.plan_info(2022) or (0, 0, 0))[2] == tasks
    assert sent == [], sent  # remembered: no statement at all
    await here.plans.store(without_last_task(here))  # no time passes
    after = await here.plans.version(2022)
    assert after is not None and before is not None and after[2] > before[2]
    assert (await here.queries.plan_info(2022) or (0, 0, 0))[2] == tasks - 1


async def test_a_reimport_by_another_process_is_seen_within_the_ttl(two_processes, ticking):
    here, there = two_processes
    before = await here.plans.version(2022)
    tasks = (await here.queries.plan_info(2022) or (0, 0, 0))[2]
    await there.plans.store(without_last_task(there))
    ticking.now += VERSION_TTL
    after = await here.plans.version(2022)
    assert after is not None and before is not None and after[2] > before[2]
    assert (await here.queries.plan_info(2022) or (0, 0, 0))[2] == tasks - 1


async def test_closing_a_year_forgets_what_was_remembered_of_it(two_processes, ticking):
    here, _ = two_processes
    await here.plans.version(2022)
    await here.plans.close(2022, dt.date(2023, 2, 15))
    with statements(here) as sent:
        assert (await here.plans.version(2022) or (0, 0))[1] == 2022
    assert len(reads_of(sent, "plans")) == 1, sent


async def test_the_targets_follow_a_reimport_by_another_process_at_once(two_processes, ticking):
    here, there = two_processes
    _, targets = await here.targets.targets()
    with statements(here) as sent:
        _, again = await here.targets.targets()
    assert again == targets and not reads_of(sent, "targets"), sent  # remembered for this version
    parsed = there.plans.parse(RENUMBERED)
    first = parsed.sections[0]
    assert first.targets, "the 2023 plan's first area has targets"
    sections = [dataclasses.replace(first, targets=[]), *parsed.sections[1:]]
    await there.plans.store(dataclasses.replace(parsed, sections=sections))  # the current plan, re-imported
    _, after = await here.targets.targets()  # no time passes
    assert after and {t.section for t in after} == {t.section for t in targets} - {first.number}


async def test_apps_over_equal_plans_share_one_nlu_and_a_reworded_plan_gets_its_own(tmp_path):
    """The NLU depends on the plan's words, the units and the working days only: a second app over the
    same plan (the web view beside the bot, a restart) reuses the first one's, while a plan whose words
    changed is understood with its new words."""
    from conversation.router import Router

    clock = FixedClock(dt.datetime(2022, 8, 15, 9, 0, tzinfo=TZ))
    first = await build_app(make_settings(tmp_path / "a"), clock=clock)
    second = await build_app(make_settings(tmp_path / "b"), clock=clock)
    try:
        for app in (first, second):
            await app.plans.import_plan(SEED)
        one, two = await Router(first).understander(), await Router(second).understander()
        assert one is two
        parsed = second.plans.parse(SEED)
        task = next(t for t in parsed.tasks if t.number == 17)
        renamed = dataclasses.replace(task, title="Khảo sát mức độ hài lòng về dịch vụ đo lường chất lượng nước")
        await second.plans.store(dataclasses.replace(parsed, tasks=[renamed if t is task else t for t in parsed.tasks]))
        reworded = await Router(second).understander()
        assert reworded is not one
        today = dt.date(2022, 8, 15)
        assert reworded.parse("việc đo lường chất lượng nước là gì", today).task == 17
        assert one.parse("việc đo lường chất lượng nước là gì", today).task != 17
    finally:
        await second.close()
        await first.close()
