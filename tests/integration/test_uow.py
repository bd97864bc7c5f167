"""The unit of work commits only when told to, and rolls back on leaving otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.db import create_engine, session_factory, upgrade
from storage.models import Unit
from storage.uow import Conflict, UnitOfWorkFactory


@pytest.fixture
async def uow(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'u.db'}")
    await upgrade(engine)
    yield UnitOfWorkFactory(session_factory(engine))
    await engine.dispose()


async def count(uow) -> int:
    async with uow() as u:
        return await u.session.scalar(select(func.count()).select_from(Unit))


def invite(code: str) -> Unit:
    return Unit(id=code, name=f"Đơn vị {code}", kind="internal")


async def test_commit_keeps_the_change(uow):
    async with uow() as u:
        u.session.add(invite("AAAAAA"))
        await u.commit()
    assert await count(uow) == 1


async def test_leaving_without_commit_rolls_back(uow):
    async with uow() as u:
        u.session.add(invite("BBBBBB"))
        await u.flush()
    assert await count(uow) == 0


async def test_an_exception_rolls_back(uow):
    with pytest.raises(RuntimeError):
        async with uow() as u:
            u.session.add(invite("CCCCCC"))
            await u.flush()
            raise RuntimeError("half-way")
    assert await count(uow) == 0


async def test_repositories_exist_only_inside_the_block(uow):
    u = uow()
    with pytest.raises(AssertionError):
        _ = u.plans
    async with u:
        assert u.plans is u.plans  # one repository per unit of work


async def test_what_was_read_stays_readable_after_the_block(uow):
    async with uow() as u:
        u.session.add(invite("DDDDDD"))
        await u.commit()
    async with uow() as u:
        unit = await u.session.get(Unit, "DDDDDD")
    assert unit.name == "Đơn vị DDDDDD"  # not expired by leaving the block


async def test_a_uniqueness_refusal_is_a_conflict_and_keeps_nothing(uow):
    async with uow() as u:
        u.session.add(invite("EEEEEE"))
        await u.commit()
    with pytest.raises(Conflict):
        async with uow() as u:
            u.session.add(invite("FFFFFF"))
            await u.flush()
            u.session.add(invite("EEEEEE"))  # the same key again
            await u.commit()
    assert await count(uow) == 1
