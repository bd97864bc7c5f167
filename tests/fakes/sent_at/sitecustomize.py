"""Put first on PYTHONPATH of a bot process a test starts: every HTTP request the process sends carries
the moment it left (`x-sent-at`, see tests/fake_telegram/server.py `SENT_AT_HEADER`).

The fake Bot API counts Telegram's flood limits by arrival. It runs in the test's own process, which on
a loaded 2-core machine can stall for a second and then read several requests at once that the bot sent
a second apart — a 429 the bot did not earn. With the stamp the fake counts when the bot sent, as it
already does for the test's own sender. Python imports `sitecustomize` at start-up by itself; nothing
in the product knows about this module.
"""

from __future__ import annotations

import time

import httpx

SENT_AT_HEADER = "x-sent-at"
_send = httpx.AsyncClient.send


async def _stamped_send(self: httpx.AsyncClient, request: httpx.Request, **kwargs):
    request.headers[SENT_AT_HEADER] = repr(time.time())
    return await _send(self, request, **kwargs)


httpx.AsyncClient.send = _stamped_send  # type: ignore[method-assign]
