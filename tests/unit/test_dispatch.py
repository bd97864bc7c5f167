"""FairDispatcher: one worker per chat at most, chats round-robin, a flooding chat served at its rate
with one notice, and a stop that leaves the rest alone."""

from __future__ import annotations

import asyncio

from services.dispatch import FairDispatcher
from tests.waiting import eventually


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_one_chat_never_holds_more_than_one_worker_and_keeps_its_order():
    running: dict[str, int] = {}
    peak: dict[str, int] = {}
    order: list[tuple[str, int]] = []
    release = asyncio.Event()

    async def handle(item):
        chat, _n = item
        running[chat] = running.get(chat, 0) + 1
        peak[chat] = max(peak.get(chat, 0), running[chat])
        if chat == "flood":
            await release.wait()
        order.append(item)
        running[chat] -= 1

    dispatcher = FairDispatcher(handle, workers=4, rate_per_minute=1e9, burst=1000)
    dispatcher.start()
    for n in range(50):
        dispatcher.submit("flood", ("flood", n))
    for n in range(3):
        for chat in ("a", "b", "c"):
            dispatcher.submit(chat, (chat, n))
    # the flood's first item blocks its worker; the three other workers serve everybody else
    await eventually(lambda: sum(1 for c, _ in order if c != "flood") == 9, timeout=5, interval=0.005)
    assert not [item for item in order if item[0] == "flood"]
    release.set()
    await asyncio.wait_for(dispatcher.join(), 5)
    await dispatcher.stop(0)
    assert peak == {"flood": 1, "a": 1, "b": 1, "c": 1}
    assert [n for c, n in order if c == "flood"] == list(range(50))
    for chat in "abc":
        assert [n for c, n in order if c == chat] == [0, 1, 2]


async def test_chats_are_served_round_robin():
    order: list[str] = []

    async def handle(item):
        order.append(item)

    dispatcher = FairDispatcher(handle, workers=1, rate_per_minute=1e9, burst=1000)
    for _ in range(3):
        dispatcher.submit("x", "x")
    dispatcher.submit("y", "y")
    dispatcher.submit("y", "y")
    dispatcher.submit("z", "z")
    dispatcher.start()
    await asyncio.wait_for(dispatcher.join(), 5)
    await dispatcher.stop(0)
    assert order == ["x", "y", "z", "x", "y", "x"]


async def test_a_flooding_chat_is_served_at_its_rate_with_one_notice_and_others_are_not_held():
    clock = Clock()
    handled: list[str] = []
    notices: list[str] = []

    async def handle(item):
        handled.append(item)

    async def notice(chat, item):
        notices.append(chat)

    dispatcher = FairDispatcher(handle, workers=1, rate_per_minute=60, burst=3, on_throttled=notice, clock=clock)
    dispatcher.start()
    for n in range(6):
        dispatcher.submit("flood", f"flood{n}")
    await eventually(lambda: len(handled) == 3 and notices, timeout=5, interval=0.005)
    dispatcher.submit("calm", "calm0")  # the single worker is free: the flood waits without holding it
    await eventually(lambda: "calm0" in handled, timeout=5, interval=0.005)
    assert handled == ["flood0", "flood1", "flood2", "calm0"]
    assert notices == ["flood"]  # once, not per message
    # one a second afterwards (the real timer fires after the wait it computed: ~1 s of loop time)
    clock.now += 3.0
    await asyncio.wait_for(dispatcher.join(), 5)
    await dispatcher.stop(0)
    assert handled[4:] == ["flood3", "flood4", "flood5"]
    assert notices == ["flood"]


async def test_stop_waits_for_the_updates_in_hand_at_most_the_grace_and_drops_the_queue():
    started = asyncio.Event()
    finished: list[int] = []

    async def handle(item):
        started.set()
        await asyncio.sleep(3600)  # never finishes by itself
        finished.append(item)

    dispatcher = FairDispatcher(handle, workers=2, rate_per_minute=1e9, burst=1000)
    dispatcher.start()
    for n in range(5):
        dispatcher.submit("a", n)
    await asyncio.wait_for(started.wait(), 5)
    loop = asyncio.get_running_loop()
    begun = loop.time()
    await dispatcher.stop(0.2)
    assert loop.time() - begun < 2
    assert finished == []
    assert dispatcher.pending == 0
    dispatcher.submit("a", 99)  # after stop: left in the database for the next start
    assert dispatcher.pending == 0
