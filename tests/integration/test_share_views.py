"""QueryService.leads reuses a share's view while the projection hands it the same facts, state and shape;
a status written (here or by another process), a trigger date recorded or a re-import gives the share a
new view — never the one remembered from before."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import update

from bot.bootstrap import build_app
from storage.models import Task
from tests.conftest import SEED
from tests.coordinator_kit import at, person, set_status

TODAY = dt.date(2022, 8, 15)


def by_lead(views):
    return {v.lead_id: v for v in views}


async def test_a_view_is_reused_until_its_share_changes(plan_app, settings):
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    first = by_lead(await plan_app.queries.leads(today=TODAY))
    again = by_lead(await plan_app.queries.leads(today=TODAY))
    assert all(again[lead] is view for lead, view in first.items())  # nothing changed: the same views

    lead = await set_status(plan_app, head, 17, "in_progress", at(8, 15), percent=40)
    after = by_lead(await plan_app.queries.leads(today=TODAY))
    assert (after[lead].status, after[lead].percent) == ("in_progress", 40)
    assert first[lead].status == "not_started"
    assert all(after[other] is view for other, view in first.items() if other != lead)

    other = await build_app(settings, clock=plan_app.clock)  # another process writes the same share
    try:
        await set_status(other, await person(other, "van-phong", "head", "Chị Hoa"), 17, "done", at(8, 15))
    finally:
        await other.close()
    latest = by_lead(await plan_app.queries.leads(today=TODAY))
    assert latest[lead].status == "done" and latest[lead] is not after[lead]


async def test_the_views_of_a_date_are_not_those_of_another(plan_app):
    head = await person(plan_app, "van-phong", "head", "Chị Hoa")
    lead = await set_status(plan_app, head, 17, "in_progress", at(8, 15), percent=40)
    before = by_lead(await plan_app.queries.leads(today=dt.date(2022, 8, 1)))
    now = by_lead(await plan_app.queries.leads(today=TODAY))
    assert (before[lead].status, now[lead].status) == ("not_started", "in_progress")
    assert by_lead(await plan_app.queries.leads(today=dt.date(2022, 8, 1)))[lead].status == "not_started"


async def test_a_reimport_gives_every_share_a_new_view(plan_app):
    first = by_lead(await plan_app.queries.leads(task=17))
    parsed = plan_app.plans.parse(SEED)
    tasks = [dataclasses.replace(t, title="Nhiệm vụ đổi tên") if t.number == 17 else t for t in parsed.tasks]
    await plan_app.plans.store(dataclasses.replace(parsed, tasks=tasks))
    after = by_lead(await plan_app.queries.leads(task=17))
    assert after.keys() == first.keys()
    assert {v.task_title for v in after.values()} == {"Nhiệm vụ đổi tên"}


async def test_a_fresh_read_of_the_plan_gives_new_views(plan_app):
    """The views follow the projection's plan as read: when it reads the plan again (`fresh`), the views
    are built from what it read."""
    await plan_app.queries.leads(task=17)
    async with plan_app.sessions() as session, session.begin():
        await session.execute(update(Task).where(Task.number == 17).values(title="Sửa tay"))
    await plan_app.projections.snapshot(TODAY, fresh=True)
    assert {v.task_title for v in await plan_app.queries.leads(task=17, today=TODAY)} == {"Sửa tay"}
