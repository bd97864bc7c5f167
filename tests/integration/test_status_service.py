"""StatusService applies the share rules of `domain.shares` through the unit of work: a refused update
writes nothing, a recorded one writes the history row and the share's new values together."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.update_status import apply_update
from storage.models import StatusUpdate
from tests.coordinator_kit import CHANNEL, at, context, person

NOW = at(8, 15, 9)


async def history_rows(app) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(StatusUpdate))


async def update(app, user, **kwargs):
    values = {"task": 17, "channel": CHANNEL, "text": None, "key": None, "now": NOW} | kwargs
    return await app.statuses.update(user, **values)


async def test_a_percent_out_of_range_is_refused_and_nothing_changes(plan_app):
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    await update(plan_app, head, status="in_progress", percent=40)
    outcome = await update(plan_app, head, status="in_progress", percent=160)
    assert (outcome.kind, outcome.percent_range) == ("bad_percent", (0, 100))
    [lead] = await plan_app.queries.leads(unit_ids=["van-phong"], task=17)
    assert (lead.status, lead.percent) == ("in_progress", 40)
    assert await history_rows(plan_app) == 1


async def test_the_chat_says_the_valid_range_and_how_to_retry(plan_app):
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    ctx = context(plan_app, head, intent="update_status", now=NOW)
    [reply] = await apply_update(ctx, {"task": 17, "status": "blocked", "percent": -5})
    assert "từ 0% đến 100%" in reply.text and "Không có gì thay đổi" in reply.text and "nv 17" in reply.text
    assert await history_rows(plan_app) == 0


async def test_an_unknown_status_is_refused_before_anything_is_read(plan_app):
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    assert (await update(plan_app, head, status="finished")).kind == "bad_status"
    assert await history_rows(plan_app) == 0


async def test_done_writes_the_history_and_the_share_milestone_by_milestone(plan_app):
    """Task 5 (four CCHC reports) said «xong» on 15/08: the reports due so far are done, the share goes on."""
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    outcome = await update(plan_app, head, task=5, status="done")
    assert outcome.kind == "recorded" and outcome.completed and outcome.remaining
    assert (outcome.lead.status, outcome.lead.percent) == ("in_progress", 50)
    async with plan_app.sessions() as session:
        row = await session.scalar(select(StatusUpdate))
    assert (row.status, row.percent, row.milestone_id is not None) == ("done", 100, True)
    assert row.note.startswith("hoàn thành mốc «")


async def test_the_repository_hands_services_frozen_records_not_orm_objects(plan_app):
    import dataclasses

    import pytest

    from storage.uow import UnitOfWorkFactory

    version = await plan_app.plans.current_version()
    async with UnitOfWorkFactory(plan_app.sessions)() as uow:
        rows = await uow.statuses.leads(version[0], task_number=17)
        one = await uow.statuses.lead(rows[0][0].id)
    assert rows and one == rows[0]
    for record in (*rows[0], *rows[0][1].milestones):
        assert dataclasses.is_dataclass(record)
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.id = 0
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    outcome = await update(plan_app, head, status="in_progress", percent=40)
    assert (outcome.lead.status, outcome.lead.percent, outcome.lead.status_at) == ("in_progress", 40, NOW)
