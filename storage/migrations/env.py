"""Alembic environment. The app passes its own connection (see `storage.db.upgrade`); the `alembic`
command line works too, reading DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context

from storage.models import Base

target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from storage.db import create_engine

    async def _main() -> None:
        engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///data/cchc.db"))
        async with engine.begin() as conn:
            await conn.run_sync(_run)
        await engine.dispose()

    asyncio.run(_main())


run_migrations_online()
