"""Failed attempts per key (`failed_attempts`): a sliding window shared by every process."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.attempts import failure_wait, recent_failures
from storage.models import FailedAttempts
from storage.repositories.dialect import insert, rowcount


class AttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def wait(self, key: str, now: dt.datetime, limit: int, window: dt.timedelta) -> dt.timedelta:
        """How long `key` must wait before its next attempt (zero: it may try now)."""
        stored = await self.session.scalar(select(FailedAttempts.failures).where(FailedAttempts.key == key))
        return failure_wait(_times(stored), now, limit, window)

    async def record_failure(self, key: str, now: dt.datetime, limit: int, window: dt.timedelta) -> dt.timedelta:
        """Count one failure of `key` at `now`; how long it must now wait. Atomic under concurrency: the
        key's row is created if missing, then locked (FOR UPDATE) while its window is rewritten, so two
        processes recording at once both count."""
        await self.session.execute(
            insert(self.session)(FailedAttempts).values(key=key, failures=[], last_at=now.timestamp())
            .on_conflict_do_nothing(index_elements=["key"])
        )
        stored = await self.session.scalar(
            select(FailedAttempts.failures).where(FailedAttempts.key == key).with_for_update()
        )
        failures = [*recent_failures(_times(stored), now, limit, window), now][-limit:]
        values = {"failures": [at.timestamp() for at in failures], "last_at": now.timestamp()}
        statement = insert(self.session)(FailedAttempts).values(key=key, **values)  # an upsert: the row may have just been forgotten
        await self.session.execute(statement.on_conflict_do_update(index_elements=["key"], set_={
            "failures": statement.excluded.failures, "last_at": statement.excluded.last_at,
        }))
        return failure_wait(failures, now, limit, window)

    async def forget(self, before: dt.datetime) -> int:
        """Delete the keys whose last failure is older than `before` (run in a transaction of its own,
        holding no other row, so that it cannot deadlock with a recording)."""
        result = await self.session.execute(delete(FailedAttempts).where(FailedAttempts.last_at < before.timestamp()))
        return rowcount(result)


def _times(stored: list | None) -> list[dt.datetime]:
    return [dt.datetime.fromtimestamp(at, dt.UTC) for at in stored or []]
