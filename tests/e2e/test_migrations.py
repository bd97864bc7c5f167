"""The Alembic migrations create exactly the schema the models describe (no drift), and upgrading an
up-to-date database is a no-op."""

from __future__ import annotations

from pathlib import Path

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


async def test_postgres_schema_matches_models(empty_postgres_url):
    assert await _diff(empty_postgres_url) == []


async def test_upgrade_from_the_first_release_keeps_statuses(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from storage.db import alembic_config

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")

    def to(connection, revision: str) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(to, "0001")
            for sql in (
                "insert into units(id, name, kind) values ('vp', 'VP', 'internal')",
                "insert into plans(id, year, title, issuer, imported_at) values (1, 2022, 't', 'i', CURRENT_TIMESTAMP)",
                "insert into tasks(id, plan_id, section_number, number, title) values (1, 1, 1, 1, 'x')",
                "insert into assignments(id, task_id, position, lead, coordinating, external_coordinating, products,"
                " deadline_text) values (1, 1, 0, '[]', '[]', '[]', '[]', '')",
                "insert into assignment_leads(id, assignment_id, unit_id, status) values (1, 1, 'vp', 'done')",
                "insert into status_updates(id, lead_id, status, channel, created_at)"
                " values (1, 1, 'done', 'test', CURRENT_TIMESTAMP)",
            ):
                await connection.execute(text(sql))
        await upgrade(engine)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("select status, milestone_id from status_updates"))).all()
            leads = (await connection.execute(text("select status, done_through from assignment_leads"))).all()
        assert rows == [("done", None)] and leads == [("done", None)]
    finally:
        await engine.dispose()


def test_the_newest_migration_file_is_alembics_head():
    """`storage.db.head_revision` reads the head from the file names, so that an up-to-date start never
    imports alembic; this keeps that reading honest."""
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config, head_revision

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [head_revision()]  # a new migration's revision is its file name, 000N_name


async def test_an_up_to_date_start_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'u.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    probe = ("import asyncio, sys; from storage.db import create_engine, upgrade; "
             f"asyncio.run(upgrade(create_engine({url!r}))); print('alembic' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
