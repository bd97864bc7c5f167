# Dev helper: autogenerate the next Alembic revision from storage/models.py.
# Usage: PYTHONPATH=. .venv/bin/python scripts/new_migration.py "message" 0002
import asyncio, sys
from alembic import command
from storage.db import create_engine, alembic_config
async def main(msg, rev):
    engine = create_engine("sqlite:////tmp/gen.db")
    def run(conn):
        cfg = alembic_config(); cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        command.revision(cfg, message=msg, autogenerate=True, rev_id=rev)
    async with engine.begin() as c:
        await c.run_sync(run)
asyncio.run(main(sys.argv[1], sys.argv[2]))
