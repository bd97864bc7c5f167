"""The Alembic migrations create exactly the schema the models describe (no drift), and upgrading an
up-to-date database is a no-op."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import create_engine, upgrade
from storage.models import Base


async def _diff(url: str) -> list:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        await upgrade(engine)  # second start: nothing to do, no error

        def compare(connection):
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)

        async with engine.connect() as connection:
            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def test_sqlite_schema_matches_models(tmp_path):
    assert await _diff(f"sqlite:///{tmp_path / 'm.db'}") == []


async def test_postgres_schema_matches_models(postgres_url):
    assert await _diff(postgres_url) == []
