"""Ready-made SQLite databases for tests: migrated, and with the seed plan imported, once per worker.

Most tests start from the same state — an empty migrated database, or the 2022 plan imported at a
fixed instant — and building it (Alembic's migrations, then the import) took ~0.5 s each time, over
300 times a run. Here it is built once per test process and copied into the test's own file: the copy
is byte for byte what the test would have built, so nothing a test sees changes.

PostgreSQL URLs are left alone: those tests build their own database.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.bootstrap import build_app
from bot.settings import Settings
from domain.clock import Clock

_ROOT = Path(tempfile.mkdtemp(prefix="cchc-db-templates-"))
atexit.register(shutil.rmtree, _ROOT, True)
_TEMPLATES: dict[tuple, Path] = {}


async def prepare(settings: Settings, *, seed: Path | None = None, clock: Clock | None = None) -> bool:
    """Put the migrated database (with `seed` imported when given, at `clock`'s time) at the path of
    `settings.database_url`. False, and nothing done, for a non-SQLite URL or a file that exists."""
    url = make_url(settings.database_url)
    if not url.drivername.startswith("sqlite") or not url.database:
        return False
    target = Path(url.database)
    if target.exists():
        return False
    key = (
        str(seed), clock.now().isoformat() if clock is not None else None, str(settings.units_file),
        str(settings.reporting_calendar_file), str(settings.calendar_overrides_file), settings.tz_name,
    )
    template = _TEMPLATES.get(key)
    if template is None:
        template = await _build(settings, seed, clock, _ROOT / f"template-{len(_TEMPLATES)}.db")
        _TEMPLATES[key] = template
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return True


async def _build(settings: Settings, seed: Path | None, clock: Clock | None, path: Path) -> Path:
    values = settings.model_dump()
    values.update(database_url=f"sqlite:///{path}", cchc_data_dir=_ROOT)
    app = await build_app(Settings(**values, _env_file=None), clock=clock)
    try:
        if seed is not None:
            await app.plans.import_plan(seed)
    finally:
        await app.close()
    for suffix in ("-wal", "-shm"):  # closed cleanly: the log is folded into the file
        assert not Path(f"{path}{suffix}").exists() or Path(f"{path}{suffix}").stat().st_size == 0, suffix
    return path


async def seeded_app(settings: Settings, *, clock: Clock | None = None, seed: Path | None = None):
    """An App over the seed plan imported at `clock`'s time: a copy of the template when the database is
    a new SQLite file, else built and imported here (PostgreSQL, or a file a test made)."""
    from tests.conftest import SEED

    seed = seed or SEED
    prepared = await prepare(settings, seed=seed, clock=clock)
    app = await build_app(settings, clock=clock)
    if not prepared:
        await app.plans.import_plan(seed)
    return app
