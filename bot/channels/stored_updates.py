"""How every messenger channel works through the updates it stored in the durable inbox.

Each channel parses and answers in its own way, but handles its stored updates alike: a fair dispatcher
(one chat strictly in order, a flooding sender throttled, `MAX_CONCURRENT_UPDATES` at once across
chats), fed first with what a previous run left unfinished (`services.inbox.Recovery`) and stopped with
`STOP_GRACE` for the updates in hand — the rest stays in the inbox for the next start.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING

from services.dispatch import FairDispatcher
from services.inbox import Recovery, StoredUpdate

if TYPE_CHECKING:
    from bot.bootstrap import App

# Updates handled at once (across chats; one chat is always sequential). Against Telegram each reply
# waits ~100 ms for the network, so a few in flight keep the bot busy; more only adds contention.
# Measured with benchmarks/bench_telegram.py: the whole assistant gains ~25 % from 1 to 4-8 and
# nothing beyond; the channel alone keeps ~0.8× the bare PTB echo floor at 4-8 but drops to ~0.55× at 16.
MAX_CONCURRENT_UPDATES = 8
STOP_GRACE = 1.0  # seconds the updates in hand may take to finish at stop; the rest stays in the inbox


def stored_update_workers(
    app: App, channel: str, process: Callable[[StoredUpdate], Awaitable[None]], *,
    on_throttled: Callable[[object, StoredUpdate], Awaitable[None]], others_may_run: bool,
    is_group: Callable[[Hashable], bool] = lambda _chat: False,
) -> tuple[FairDispatcher, Recovery]:
    """The dispatcher that runs `process` for each stored update, and the recovery that feeds it.
    `others_may_run`: other processes may be handling this channel's rows (webhook workers);
    `is_group(chat_key)`: a group chat, served at the group rate."""
    settings = app.settings

    async def run(row: StoredUpdate) -> None:
        try:
            await process(row)
        finally:
            recovery.release(row.id)  # a later sweep may queue it again if it is still unfinished

    dispatcher = FairDispatcher(
        run, workers=MAX_CONCURRENT_UPDATES, rate_per_minute=settings.sender_rate_per_minute,
        group_rate_per_minute=settings.sender_group_rate_per_minute, is_group=is_group,
        burst=settings.sender_burst, on_throttled=on_throttled,
    )
    recovery = Recovery(
        app.inbox, channel, lambda row: dispatcher.submit(row.chat_key, row), app.clock.now,
        others_may_run=others_may_run,
    )
    return dispatcher, recovery
