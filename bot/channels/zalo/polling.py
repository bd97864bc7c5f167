"""Long polling: the default, because it needs no public HTTPS address — a server inside the
department's network can run the bot.

getUpdates answers with one update, or with error 408 after `timeout` seconds of silence; 408 is the
normal idle state and is not logged above DEBUG. Other failures back off exponentially (1 s … 60 s) so
an outage at Zalo does not turn into a request storm, and polling resumes by itself afterwards.
Every update is stored in the durable inbox before the next getUpdates is asked (Zalo takes that call
as the acknowledgement of what it handed out).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.channels.startup import wait_or_stop

from .channel import ZaloChannel
from .client import POLL_TIMEOUT, ZaloApiError

log = logging.getLogger(__name__)


async def run_polling(
    channel: ZaloChannel,
    stop: asyncio.Event,
    *,
    timeout: int = POLL_TIMEOUT,
    backoff: float = 1.0,
    max_backoff: float = 60.0,
) -> None:
    client = channel.client
    try:  # getUpdates does not work while a webhook is set (e.g. left over from webhook mode)
        await client.delete_webhook()
    except ZaloApiError as exc:
        log.warning("Zalo deleteWebhook failed (%s); polling anyway", exc)
    log.info("Zalo: long polling started (timeout %ss)", timeout)
    failures = 0
    while not stop.is_set():
        poll = asyncio.create_task(client.get_updates(timeout))
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({poll, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if poll not in done:  # stopping: do not wait out a 30 s poll
            poll.cancel()
            with contextlib.suppress(asyncio.CancelledError, ZaloApiError):
                await poll
            break
        stopping.cancel()
        try:
            updates = poll.result()
        except ZaloApiError as exc:
            failures += 1
            delay = min(max_backoff, backoff * 2 ** (failures - 1))
            level = logging.ERROR if exc.code in (401, 403) else logging.WARNING
            log.log(level, "Zalo getUpdates failed (%s); next try in %.0fs", exc, delay)
            if await wait_or_stop(stop, delay):
                break
            continue
        if failures:
            log.info("Zalo polling recovered after %d failure(s)", failures)
        failures = 0
        if not updates:
            log.debug("Zalo poll: nothing new")
        for update in updates:  # stored (committed) before the next getUpdates acknowledges it
            await channel.accept(update)
    log.info("Zalo: long polling stopped")
