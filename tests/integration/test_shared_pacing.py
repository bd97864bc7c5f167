"""Per-chat pacing shared by several processes through PostgreSQL (services/pacing.py, `SharedBudget`):
two `Pacer`s on one database — two webhook workers answering one chat — keep that chat's limit
together, a 429's pause from one delays the other, and other chats go on. A virtual clock that moves
only when a pacer waits checks the arithmetic exactly."""

from __future__ import annotations

import asyncio

import pytest

from services.pacing import Pacer, SharedBudget
from storage.db import create_engine, session_factory, upgrade
from storage.uow import UnitOfWorkFactory
from tests.waiting import VirtualTime


@pytest.fixture
async def uow(postgres_url):
    engine = create_engine(postgres_url)
    await upgrade(engine)
    yield UnitOfWorkFactory(session_factory(engine))
    await engine.dispose()


def pacers(uow, clock: VirtualTime, n: int = 2) -> list[Pacer]:
    """`n` processes of one bot: each its own Pacer and budget object, one database."""
    return [Pacer(SharedBudget(uow, "telegram:42", rate=1000.0, clock=clock), chat_interval=1.0, group_interval=3.0,
                  chat_burst=3, clock=clock, sleep=clock.sleep) for _ in range(n)]


async def test_two_pacers_keep_one_chat_to_its_burst_then_one_a_second(uow):
    clock = VirtualTime(1_000.0)
    first, second = pacers(uow, clock)
    sent = []
    for n in range(9):  # the proxy alternates the chat's answers between the two workers
        await (first if n % 2 == 0 else second).acquire(777)
        sent.append(round(clock() - 1_000.0, 1))  # the bot's own grid adds 1 ms a send
    assert sent == [0, 0, 0, 1, 2, 3, 4, 5, 6]


async def test_a_group_gets_its_slower_pace_across_pacers(uow):
    clock = VirtualTime(1_000.0)
    first, second = pacers(uow, clock)
    sent = []
    for n in range(5):
        await (first if n % 2 == 0 else second).acquire(-100, group=True)
        sent.append(round(clock() - 1_000.0, 1))  # the bot's own grid adds 1 ms a send
    assert sent == [0, 0, 0, 3, 6]


async def test_a_pause_from_one_pacer_delays_the_other_only_for_that_chat(uow):
    clock = VirtualTime(1_000.0)
    first, second = pacers(uow, clock)
    await first.acquire(5)
    await first.pause(5, 7.0)  # Telegram answered 429, retry_after 7, to the first worker
    started = clock()
    await second.acquire(6)  # another chat: at once
    assert clock() - started < 0.01
    await second.acquire(5)
    assert clock() - started == pytest.approx(7.0)


async def test_concurrent_reservations_from_two_processes_never_share_a_turn(uow):
    clock = VirtualTime(1_000.0)  # frozen: nobody sleeps here, the reservations only queue on the row
    budgets = [SharedBudget(uow, "telegram:42", rate=1000.0, clock=clock) for _ in range(2)]
    slots = await asyncio.gather(*(budgets[n % 2].chat_slot("9", 1.0, 3) for n in range(12)))
    assert sorted(round(at - 1_000.0, 1) for at, _ in slots) == [0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert sorted(with_bot for _, with_bot in slots) == [False] * 9 + [True] * 3  # a later turn books the bot then


async def test_quiet_chats_rows_are_forgotten_and_the_bots_row_stays(uow):
    clock = VirtualTime(1_000.0)
    budget = SharedBudget(uow, "telegram:42", rate=25.0, clock=clock)
    pacer = Pacer(budget, clock=clock, sleep=clock.sleep)
    for chat in (1, 2, 3):
        await pacer.acquire(chat)
    clock.now += budget.forget_after - 10
    await pacer.acquire(3)  # still talking
    clock.now += 20
    assert await budget.forget_quiet_chats() == 2
    async with uow() as u:
        from sqlalchemy import select

        from storage.models import PacingSlot

        names = set(await u.session.scalars(select(PacingSlot.name)))
    assert names == {"telegram:42", "telegram:42:chat:3"}


def test_a_long_chat_id_fits_the_column():
    budget = SharedBudget(None, "zalo:1234567890123456789", rate=10.0)  # type: ignore[arg-type]
    name = budget.chat_row("x" * 80)
    assert len(name) <= 64 and name.startswith("zalo:1234567890123456789:chat:#")
    assert budget.chat_row("x" * 80) == name != budget.chat_row("y" * 80)
