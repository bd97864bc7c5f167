"""Which unfinished updates a starting process takes over (services/inbox.py `Recovery`).

Long polling has one consumer per bot, so a start takes every unfinished row. With webhooks other workers
may be handling rows at this moment — a worker that restarted beside them once took their rows too and
the head got two answers (a recovered notice and the real one); now it takes only rows nobody has
stored or handled for the grace, and sweeps for them while it runs."""

from __future__ import annotations

import asyncio
import datetime as dt

from services.inbox import RECOVER_GRACE, Recovery


async def _rows(app, *keys: str) -> list[int]:
    return [await app.inbox.store("telegram", key, "7", {"k": key}, app.clock.now()) for key in keys]


async def _age(app, row_id: int, by: dt.timedelta) -> None:
    from sqlalchemy import update

    from storage.models import InboxUpdate

    async with app.sessions() as session, session.begin():
        await session.execute(update(InboxUpdate).where(InboxUpdate.id == row_id)
                              .values(received_at=InboxUpdate.received_at - by))


async def test_polling_takes_every_unfinished_row_once(plan_app):
    fresh, old = await _rows(plan_app, "a", "b")
    queued = []
    recovery = Recovery(plan_app.inbox, "telegram", queued.append, plan_app.clock.now, others_may_run=False)
    assert await recovery.take() == 2
    assert await recovery.take() == 0  # held rows are not queued twice
    assert [r.id for r in queued] == [fresh, old]


async def test_a_webhook_worker_leaves_rows_others_may_be_handling(plan_app):
    fresh, abandoned = await _rows(plan_app, "a", "b")
    await _age(plan_app, abandoned, RECOVER_GRACE + dt.timedelta(seconds=1))
    queued = []
    recovery = Recovery(plan_app.inbox, "telegram", queued.append, plan_app.clock.now, others_may_run=True)
    assert await recovery.take() == 1
    assert [r.id for r in queued] == [abandoned]
    recovery.release(abandoned)
    await plan_app.inbox.answered(abandoned)
    await _age(plan_app, fresh, RECOVER_GRACE)  # the worker that held it died: now it is taken
    assert await recovery.take() == 1 and queued[-1].id == fresh


async def test_the_sweep_takes_abandoned_rows_until_stopped(plan_app):
    [abandoned] = await _rows(plan_app, "a")
    await _age(plan_app, abandoned, RECOVER_GRACE * 2)
    taken = asyncio.Event()
    stop = asyncio.Event()

    def submit(row) -> None:
        taken.set()
        stop.set()

    recovery = Recovery(plan_app.inbox, "telegram", submit, plan_app.clock.now, others_may_run=True,
                        grace=dt.timedelta(seconds=0.02))
    await asyncio.wait_for(recovery.sweep(stop), 10)
    assert taken.is_set()
