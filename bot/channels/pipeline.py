"""The message pipeline: one messenger update, from its arrival to the answer, top to bottom.

    receive     the channel gets an update (long poll or webhook)                 channel.accept
    store       committed to the durable inbox; only then is it acknowledged       Pipeline.store
       └─ fair dispatcher (services/dispatch.py): one chat in order, chats round-robin
    understand  the stored payload read back as a neutral `Incoming`              port.incoming
    handle      the engine (router → NLU → handler → services); the first unit of
                work that writes effects also marks the row `done` (storage/uow.py) Pipeline.replies
    keep        the replies are stored with the row, with the chat's memory the
                handling wrote (one transaction)                                    inbox.set_replies
    reply       each reply goes out through the channel, paced                     port.deliver
    mark        the row is marked answered                                          inbox.answered

A row found `done` (a previous run died after its effects) skips «handle»: its kept replies are sent,
or a short «recovered» notice when none were kept. An update whose effects another process committed
first (`AlreadyHandled`) is left to that process, silently — an apology from here would win the race
for the reply and the user would lose the real answer. Any other failure is logged and apologised for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from domain.messages import Engine, Incoming, Reply, reply_from_dict, reply_to_dict
from presentation import inbox as inbox_texts
from services.inbox import AlreadyHandled, Inbox, StoredUpdate

log = logging.getLogger(__name__)


class Port(Protocol):
    """What a channel does in the pipeline: its own side of understanding and replying."""

    channel: str

    async def incoming(self, row: StoredUpdate) -> Incoming | None:
        """The stored update as a message for the engine, after what the channel answers on its own
        (a button's spinner, «I cannot read this», group chatter that is not for the bot); None when
        the engine has nothing to do with it."""
        ...

    def busy(self, message: Incoming) -> AbstractAsyncContextManager[object]:
        """Held while the engine works (Zalo shows «typing…»)."""
        ...

    async def deliver(self, message: Incoming, reply: Reply) -> None: ...

    async def apologise(self, row: StoredUpdate) -> None:
        """Say something went wrong (the handling failed)."""
        ...


class Pipeline:
    def __init__(self, inbox: Inbox, engine: Engine, port: Port, now: Callable[[], dt.datetime]) -> None:
        self.inbox = inbox
        self.engine = engine
        self.port = port
        self.now = now

    async def process(self, row: StoredUpdate) -> None:
        """understand → handle → keep → reply → mark, for one stored update."""
        try:
            message = await self.port.incoming(row)
            if message is not None:
                replies = await self.replies(row, message)
                if replies is None:
                    log.warning("%s update %s was answered elsewhere; not answering again", row.channel, row.id)
                    return
                for reply in replies:
                    await self.port.deliver(message, reply)
            await self.inbox.answered(row.id)
        except AlreadyHandled:
            log.info("%s update %s is handled by another process", row.channel, row.id)
        except Exception as exc:  # logged with where it happened; the user is not left waiting
            log.error("%s update failed: row=%s chat=%s", row.channel, row.id, row.chat_key, exc_info=exc)
            with contextlib.suppress(Exception):
                await self.port.apologise(row)
            await self.inbox.answered(row.id)

    async def replies(self, row: StoredUpdate, message: Incoming) -> list[Reply] | None:
        """handle + keep: the engine's replies, kept with the row — or those a previous run kept. None
        when another process stored its replies first (it answers)."""
        if row.state != "new":
            if row.replies is None:  # effects committed, then the process died before the answers were kept
                return [Reply(inbox_texts.recovered(message.text))]
            return [reply_from_dict(r) for r in row.replies]
        with self.inbox.handling(row) as claim:
            async with self.port.busy(message):
                replies = await self.engine.handle(message)
        kept = await self.inbox.set_replies(row.id, [reply_to_dict(r) for r in replies], self.now(),
                                            wrote_effects=claim.marked, chat_states=claim.chat_states)
        return replies if kept else None
