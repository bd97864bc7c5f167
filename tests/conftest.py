"""Shared fixtures: an App on a fresh SQLite file, and (when CCHC_TEST_POSTGRES_URL is set) a fresh
PostgreSQL database, migrated (`postgres_url`) or empty (`empty_postgres_url`)."""

from __future__ import annotations

import gc
import os
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from bot.bootstrap import build_app
from bot.settings import DEFAULTS, Settings

# Property tests judge results, never speed: on a loaded 2-core machine a first example can take 300 ms
# (imports, a cold cache), which hypothesis' default 200 ms deadline turned into a flaky failure. Speed is
# measured in benchmarks/. `print_blob` prints the seed that reproduces a failure.
hypothesis_settings.register_profile(
    "cchc", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("cchc")

SEED = DEFAULTS / "ke-hoach-cchc-2022.txt"
SHARED = Path(__file__).resolve().parents[2] / "shared"
POSTGRES_URL = os.environ.get("CCHC_TEST_POSTGRES_URL")


def make_settings(tmp_path: Path, **overrides) -> Settings:
    values = {"cchc_data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'test.db'}", "_env_file": None}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def app(settings):
    from tests import db_templates

    await db_templates.prepare(settings)
    application = await build_app(settings)
    yield application
    await application.close()


@pytest.fixture
async def plan_app(settings):
    """The real 2022 plan with the clock standing at Monday 15/08/2022 09:00 (Asia/Ho_Chi_Minh)."""
    from domain.clock import FixedClock
    from tests import db_templates
    from tests.conversation_kit import AUG_15_2022

    clock = FixedClock(AUG_15_2022)
    if not await db_templates.prepare(settings, seed=SEED, clock=clock):
        raise AssertionError("plan_app expects a fresh SQLite file")
    application = await build_app(settings, clock=clock)
    yield application
    await application.close()


@pytest.fixture
async def seeded_app(settings):
    """The real 2022 plan, imported as of the real clock's day (a copy of a per-worker template)."""
    from domain.clock import Clock, FixedClock
    from tests import db_templates

    now = Clock(settings.tz).now()
    await db_templates.prepare(settings, seed=SEED, clock=FixedClock(now.replace(hour=0, minute=0, second=0,
                                                                                microsecond=0)))
    application = await build_app(settings)
    yield application
    await application.close()


def _admin_url():
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES_URL).set(drivername="postgresql")


def _run_sql(sql: str) -> None:
    """Run a statement outside a transaction (CREATE/DROP DATABASE) on the test server's admin database."""
    import asyncio

    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(_admin_url().render_as_string(hide_password=False))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def _require_postgres() -> None:
    if not POSTGRES_URL:
        pytest.skip("CCHC_TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")


@pytest.fixture(scope="session")
def postgres_template():
    """A database migrated to the newest revision, once per test process: each test's database is a copy
    of it (`CREATE DATABASE … TEMPLATE`, a few milliseconds), where each of the ~45 PostgreSQL tests ran the
    migrations itself (~0.45 s, 0.25 s of it the test process's CPU)."""
    _require_postgres()
    import asyncio

    from storage.db import create_engine, upgrade

    name = f"cchc_template_{uuid.uuid4().hex[:12]}"
    _run_sql(f'CREATE DATABASE "{name}"')

    async def migrate() -> None:
        engine = create_engine(_admin_url().set(database=name).render_as_string(hide_password=False))
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()  # a template must have no open connection when it is copied

    asyncio.run(migrate())
    yield name
    _run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_template):
    """A fresh database on the test PostgreSQL server, migrated to the newest revision and holding no
    rows (the tests' SQLite files start the same way, tests/db_templates.py); dropped afterwards."""
    name = f"cchc_test_{uuid.uuid4().hex[:12]}"
    _run_sql(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    yield _admin_url().set(database=name).render_as_string(hide_password=False)
    _run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_postgres_url():
    """A fresh database with no tables at all, for the tests of the migrations themselves; dropped afterwards."""
    _require_postgres()
    name = f"cchc_test_{uuid.uuid4().hex[:12]}"
    _run_sql(f'CREATE DATABASE "{name}"')
    yield _admin_url().set(database=name).render_as_string(hide_password=False)
    _run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--thorough", type=int, default=1, metavar="N",
                     help="draw N times the everyday number of examples in the costly property tests "
                          "(tests/property_budget.py)")


def pytest_configure(config: pytest.Config) -> None:
    from tests import property_budget, shared_sql_cache

    shared_sql_cache.install()
    # A test process allocates many short-lived objects over a large set of long-lived ones (modules, mappers,
    # compiled SQL): at the default thresholds (700, 10, 10) the cyclic collector took about 17 s of CPU a run
    # across the workers, at these about 5 s. Collection stays automatic; only its rhythm changes.
    gc.set_threshold(50_000, 20, 20)
    property_budget.SCALE = max(1, config.getoption("--thorough"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start every worker on its share of the `heavy` tests (tests/scheduling.py). pytest-randomly has
    shuffled `items` already; this only moves items, so the order stays reproducible from the seed."""
    from tests.scheduling import deal_heavy_first

    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    items[:] = deal_heavy_first(items, workers, lambda item: item.get_closest_marker("heavy") is not None)
