"""How many transactions one status update costs, end to end through the Telegram channel (the
figure docs/operations.md gives): every commit the database sees from the moment the update is
fetched until its row is marked answered."""

from __future__ import annotations

from sqlalchemy import event, select

from storage.models import InboxUpdate, StatusUpdate
from tests.fake_telegram import TgUser
from tests.fake_telegram.harness import telegram_bot
from tests.waiting import eventually

HEAD = TgUser(801, "Trưởng phòng")

# store · effects + `done` mark · chat memory + replies (one transaction) · answered
COMMITS_PER_STATUS_UPDATE = 4


async def test_one_status_update_costs_four_commits(tmp_path):
    async with telegram_bot(tmp_path) as bot:
        app = bot.app

        async def all_answered() -> bool:
            async with app.sessions() as session:
                states = set(await session.scalars(select(InboxUpdate.state)))
            return states == {"answered"}

        await bot.register(HEAD, "thanh-tra")
        await eventually(all_answered, what="the registration marked answered")
        commits: list[str] = []
        listener = lambda _connection: commits.append("commit")  # noqa: E731
        event.listen(app.engine.sync_engine, "commit", listener)
        try:
            [answer] = await bot.ask(HEAD, "nv 4 đang làm 30%")
            assert "30%" in answer.text
            await eventually(all_answered, what="the status update marked answered")
        finally:
            event.remove(app.engine.sync_engine, "commit", listener)
        async with app.sessions() as session:
            assert len(list(await session.scalars(select(StatusUpdate.id)))) == 1
    assert len(commits) == COMMITS_PER_STATUS_UPDATE, commits
