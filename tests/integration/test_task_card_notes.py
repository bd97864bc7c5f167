"""A task's card shows, beside each share's projected status, the note and author of the share's newest
history row and its number of files — read for all the task's shares in one statement."""

from __future__ import annotations

from bot.bootstrap import build_app
from domain.clock import FixedClock
from tests.conftest import SEED, make_settings
from tests.conversation_kit import AUG_15_2022
from tests.coordinator_kit import add_evidence, at, lead_of, person, set_status
from tests.statements import statements


async def test_the_card_shows_the_newest_note_its_author_and_the_files(plan_app):
    await card(plan_app)


async def test_the_same_on_postgresql(tmp_path, postgres_url):
    app = await build_app(make_settings(tmp_path, database_url=postgres_url), clock=FixedClock(AUG_15_2022))
    try:
        await app.plans.import_plan(SEED)
        await card(app)
    finally:
        await app.close()


async def card(plan_app) -> None:
    office = await person(plan_app, "van-phong", "head", "Chị Hoa")
    inspector = await person(plan_app, "thanh-tra", "head", "Anh Minh")
    coordinator = await person(plan_app, "van-phong", "coordinator", "Chị Lan", chat="vp-coord")
    await set_status(plan_app, office, 4, "in_progress", at(8, 1), percent=30, note="đã họp")
    await set_status(plan_app, inspector, 4, "blocked", at(8, 2), note="chờ hướng dẫn")
    trade = await lead_of(plan_app, 4, "qltm")
    await set_status(plan_app, coordinator, 4, "in_progress", at(8, 3), percent=50, lead_id=trade)
    await set_status(plan_app, office, 4, "in_progress", at(8, 10), percent=60, note="đã gửi dự thảo")
    office_lead = await lead_of(plan_app, 4, "van-phong")
    for name in ("a.pdf", "b.pdf"):
        await add_evidence(plan_app, office_lead, office, name, at(8, 11))
    await add_evidence(plan_app, trade, None, "c.pdf", at(8, 12))

    with statements(plan_app) as sent:
        detail = await plan_app.queries.task_detail(4)
    assert detail is not None
    assert sum("status_updates" in s and "evidence" in s for s in sent) == 1, sent
    lines = {s.unit_id: (s.note, s.by, s.evidence) for s in detail.statuses}
    assert lines["van-phong"] == ("đã gửi dự thảo", "Chị Hoa", 2)  # the newest row's, not the first's
    assert lines["thanh-tra"] == ("chờ hướng dẫn", "Anh Minh", 0)
    assert lines["qltm"] == (None, "Chị Lan", 1)  # written by the coordinator, without a note
    assert lines["ttkc"] == (None, None, 0)  # nobody reported, no file
