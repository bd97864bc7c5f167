"""One scheduler at a time: a PostgreSQL session-level advisory lock held on a dedicated connection.

Every process asks at each tick (`held()`); the one that holds the lock runs the tick, the others skip
it. The lock belongs to the connection: when the holder dies (even kill -9) PostgreSQL ends its
session and frees the lock, and the next tick of another process (within a minute) takes it over.
The holder checks at each tick that its connection is alive; a broken connection means the lock is
gone, so it stops ticking until it wins the lock again.

SQLite deployments are single-process (docs/operations.md): there the lease is always held.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

SCHEDULER_LOCK = 0x43434843  # "CCHC": the advisory-lock key of the reminder scheduler


class SchedulerLease:
    def __init__(self, engine: AsyncEngine, key: int = SCHEDULER_LOCK) -> None:
        self.engine = engine
        self.key = key
        self.shared = engine.dialect.name == "postgresql"
        self._conn: AsyncConnection | None = None
        self._held = False

    async def held(self) -> bool:
        """True when this process may run the scheduler's tick now."""
        if not self.shared:
            return True
        try:
            if self._conn is None:
                self._conn = await self.engine.connect()
            if self._held:
                await self._conn.scalar(text("SELECT 1"))  # the lock lives as long as this session
            else:
                self._held = bool(await self._conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}))
                if self._held:
                    log.info("this process now runs the reminder scheduler")
            await self._conn.commit()  # never left idle in a transaction
        except Exception:
            log.warning("scheduler lock connection lost; another process may take over", exc_info=True)
            await self._drop()
        return self._held

    async def release(self) -> None:
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            try:
                await conn.invalidate()  # closing the session frees the advisory lock
            except Exception:
                log.debug("closing the scheduler lock connection failed", exc_info=True)
