"""The seed plan imports and dumps with the shape the contract promises, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

from bot.bootstrap import build_app
from tests.conftest import SEED, make_settings


async def _dump(settings):
    app = await build_app(settings)
    try:
        await app.plans.import_plan(SEED)
        return await app.plans.dump()
    finally:
        await app.close()


def _check(dump: dict) -> None:
    assert dump["plan"] == {
        "year": 2022,
        "title": "Kế hoạch Cải cách hành chính của Sở Công Thương năm 2022",
        "issuer": "Sở Công Thương",
    }
    assert [t["number"] for t in dump["tasks"]] == list(range(1, 60))
    counts = Counter(t["section"] for t in dump["tasks"])
    assert [counts[n] for n in range(1, 8)] == [11, 5, 9, 5, 12, 6, 11]


async def test_seed_plan_on_sqlite(tmp_path):
    _check(await _dump(make_settings(tmp_path)))


async def test_seed_plan_on_postgres(tmp_path, postgres_url):
    pg = await _dump(make_settings(tmp_path, database_url=postgres_url))
    _check(pg)
    assert pg == await _dump(make_settings(tmp_path / "lite"))
