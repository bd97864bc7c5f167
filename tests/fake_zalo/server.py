"""A fake Zalo Bot API server on 127.0.0.1, in the test's own event loop.

It speaks the shape we know of the real platform — `POST /bot<TOKEN>/<method>` with a JSON body,
answers `{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": ...}` — and
lets a test:
- queue updates that getUpdates hands out one per call (408 when none arrives within the poll wait);
- script failures per method (an error code in an HTTP 200 body, or an HTTP status, with Retry-After);
- host files (photos) under /files/... for the bot to download, with a wrong or absent Content-Length;
- read every call it received (`calls`, `sent()`), with the time it arrived;
- wait for what the bot does: `wait_for(predicate)`, `wait_sent(count, chat_id)`, and `settled()` (the
  bot's handling tasks are done, when run through `kit.running_zalo`).

Like the fake Telegram API (tests/fake_telegram/server.py) it is a Starlette app served by uvicorn on a
free port (port 0): a server independent of the bot's own webhook server, so a bug there cannot hide
itself here.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.fake_http import LocalServer

TOKEN = "1234567890:fake-zalo-token-for-tests"
_message_ids = itertools.count(1)


@dataclass
class Call:
    method: str
    payload: dict[str, Any]
    at: float  # time.monotonic() on arrival
    status: int = 200  # what the fake answered
    error_code: int | None = None


@dataclass
class Failure:
    status: int = 200  # HTTP status of the failure
    error_code: int = 500
    description: str = "Internal error"
    retry_after: float | None = None


@dataclass
class HostedFile:
    data: bytes
    content_type: str
    declared_length: int | None = None  # send this Content-Length instead of the real one (or none: -1)


@dataclass
class FakeZalo:
    token: str = TOKEN
    poll_wait: float = 0.2  # seconds an empty getUpdates waits before answering 408
    timeout_as_http_status: bool = False  # answer a poll timeout with HTTP 408 instead of 200 + error_code
    bot: dict[str, Any] = field(default_factory=lambda: {
        "id": "4242", "account_name": "bot.CchcSct", "account_type": "BASIC", "can_join_groups": True,
        "display_name": "Trợ lý CCHC",
    })
    calls: list[Call] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    files: dict[str, HostedFile] = field(default_factory=dict)
    # the bot's channels (their dispatchers handle the stored updates), registered by
    # tests/fake_zalo/kit.running_zalo (see `settled`)
    bot_channels: list[Any] = field(default_factory=list)
    polls_started: int = 0  # getUpdates calls that arrived (`calls` lists them once answered)

    def __post_init__(self) -> None:
        self._updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._failures: dict[str, deque[Failure]] = {}
        self._server: LocalServer | None = None
        self._closing = asyncio.Event()
        self._changed = asyncio.Condition()
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1 (tests/fake_http.py); clients may connect as soon as this returns."""
        app = Starlette(routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])])
        self._server = LocalServer(app)
        self._closing.clear()
        self.port = await self._server.start()
        return self.base_url

    async def stop(self) -> None:
        if self._server is not None:
            self._closing.set()  # pending long polls answer at once
            await self._server.stop()
            self._server = None

    async def __aenter__(self) -> FakeZalo:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- test controls ---------------------------------------------------------------------------
    def push(self, *updates: dict[str, Any]) -> None:
        for update in updates:
            self._updates.put_nowait(update)

    def fail(self, method: str, times: int = 1, **failure: Any) -> None:
        self._failures.setdefault(method, deque()).extend(Failure(**failure) for _ in range(times))

    def host(self, name: str, data: bytes, content_type: str = "image/jpeg", declared_length: int | None = None) -> str:
        self.files[f"/files/{name}"] = HostedFile(data, content_type, declared_length)
        return f"{self.base_url}/files/{name}"

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent(self, chat_id: str | None = None) -> list[str]:
        """Texts the bot sent successfully (to one chat, or all)."""
        return [
            c.payload.get("text", "") for c in self.of("sendMessage")
            if c.status == 200 and c.error_code is None and (chat_id is None or str(c.payload.get("chat_id")) == chat_id)
        ]

    async def wait_for(self, predicate, timeout: float = 5.0) -> None:
        """Wait until `predicate(self)` holds (checked after every call the fake receives)."""
        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self))

        await asyncio.wait_for(until(), timeout)

    async def wait_sent(self, count: int, chat_id: str | None = None, timeout: float = 5.0) -> list[str]:
        """Wait until at least `count` messages reached `chat_id`; return them all."""
        await self.wait_for(lambda f: len(f.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    async def settled(self, timeout: float = 10.0) -> None:
        """Wait until the bot has finished handling every update it stored so far (all parts sent)."""
        try:
            await asyncio.wait_for(asyncio.gather(*(c.dispatcher.join() for c in self.bot_channels)), timeout)
        except TimeoutError:
            raise TimeoutError("the bot is still handling updates") from None

    # -- HTTP ------------------------------------------------------------------------------------
    async def _endpoint(self, request: Request) -> Response:
        path = request.url.path
        if request.method == "GET" and path in self.files:
            hosted = self.files[path]
            if hosted.declared_length == -1:  # no Content-Length: a streamed (chunked) body
                async def chunks():
                    yield hosted.data

                return StreamingResponse(chunks(), media_type=hosted.content_type)
            headers = {}
            if hosted.declared_length is not None:  # a Content-Length that lies
                headers["Content-Length"] = str(hosted.declared_length)
            return Response(hosted.data, media_type=hosted.content_type, headers=headers)
        status, headers, payload = await self._route(request.method, path, await request.body())
        return Response(payload, status_code=status, headers=headers, media_type="application/json")

    async def _route(self, verb: str, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        prefix = f"/bot{self.token}/"
        if not path.startswith("/bot"):
            return 404, {}, b"not found"
        if not path.startswith(prefix):
            return 401, {}, _json({"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = path[len(prefix):]
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return 400, {}, _json({"ok": False, "error_code": 400, "description": "Bad JSON"})
        call = Call(method, payload, time.monotonic())
        status, headers, answer = await self._answer(method, payload, call)
        call.status, call.error_code = status, answer.get("error_code")
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        return status, headers, _json(answer)

    async def _answer(self, method: str, payload: dict[str, Any], call: Call) -> tuple[int, dict[str, str], dict]:
        queue = self._failures.get(method)
        if queue:
            f = queue.popleft()
            headers = {"Retry-After": str(f.retry_after)} if f.retry_after is not None else {}
            answer: dict[str, Any] = {"ok": False, "error_code": f.error_code, "description": f.description}
            if f.retry_after is not None:
                answer["parameters"] = {"retry_after": f.retry_after}
            return f.status, headers, answer
        if method == "getMe":
            return _ok(self.bot)
        if method == "getUpdates":
            self.polls_started += 1
            async with self._changed:  # "the bot is polling" is something tests wait for
                self._changed.notify_all()
            return await self._poll(payload)
        if method == "sendMessage":
            text = payload.get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= 2000 or not payload.get("chat_id"):
                return 200, {}, {"ok": False, "error_code": 400, "description": "Invalid text or chat_id"}
            return _ok({"message_id": f"out-{next(_message_ids)}", "date": int(time.time() * 1000)})
        if method == "sendPhoto":
            return _ok({"message_id": f"out-{next(_message_ids)}", "date": int(time.time() * 1000)})
        if method == "sendChatAction":
            return _ok(True)
        if method == "setWebhook":
            secret = payload.get("secret_token") or ""
            if not 8 <= len(secret) <= 256 or not str(payload.get("url", "")).startswith(("https://", "http://")):
                return 200, {}, {"ok": False, "error_code": 400, "description": "Invalid url or secret_token"}
            self.webhook = {"url": payload["url"], "secret_token": secret}
            return _ok({"url": payload["url"], "updated_at": int(time.time() * 1000)})
        if method == "deleteWebhook":
            self.webhook = {}
            return _ok({"url": "", "updated_at": int(time.time() * 1000)})
        if method == "getWebhookInfo":
            return _ok({"url": self.webhook.get("url", ""), "updated_at": 0})
        return 200, {}, {"ok": False, "error_code": 404, "description": f"Method {method} not found"}

    async def _poll(self, payload: dict[str, Any]) -> tuple[int, dict[str, str], dict]:
        if not isinstance(payload.get("timeout"), str):  # the platform wants the timeout as a string
            return 200, {}, {"ok": False, "error_code": 400, "description": "timeout must be a string"}
        if self.webhook:
            return 200, {}, {"ok": False, "error_code": 400, "description": "Webhook is set; getUpdates unavailable"}
        wait = min(float(payload["timeout"]), self.poll_wait)
        update = await self._next_update(wait)
        if update is None:
            status = 408 if self.timeout_as_http_status else 200
            return status, {}, {"ok": False, "error_code": 408, "description": "Request timeout"}
        return _ok(update)

    async def _next_update(self, wait: float) -> dict[str, Any] | None:
        """The next queued update, or None after `wait` seconds or when the fake is closing."""
        getting = asyncio.ensure_future(self._updates.get())
        closing = asyncio.ensure_future(self._closing.wait())
        await asyncio.wait({getting, closing}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        closing.cancel()
        if getting.cancel():  # not taken yet: nothing arrived in time
            return None
        return getting.result()


def _ok(result: Any) -> tuple[int, dict[str, str], dict]:
    return 200, {}, {"ok": True, "result": result}


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


# -- updates as the platform shapes them ---------------------------------------------------------
def _message(sender: str, *, chat_id: str | None, chat_type: str, name: str, message_id: str | None) -> dict:
    return {
        "message_id": message_id or f"in-{next(_message_ids)}",
        "from": {"id": sender, "display_name": name, "is_bot": False},
        "chat": {"id": chat_id or sender, "chat_type": chat_type},
        "date": int(time.time() * 1000),
    }


def text_update(
    sender: str, text: str, *, chat_id: str | None = None, chat_type: str = "PRIVATE", name: str = "Nguyễn Văn A",
    message_id: str | None = None,
) -> dict[str, Any]:
    message = _message(sender, chat_id=chat_id, chat_type=chat_type, name=name, message_id=message_id)
    message["text"] = text
    return {"event_name": "message.text.received", "message": message}


def image_update(
    sender: str, url: str, *, caption: str = "", field: str = "photo_url", chat_id: str | None = None,
    chat_type: str = "PRIVATE", name: str = "Nguyễn Văn A", message_id: str | None = None,
) -> dict[str, Any]:
    """`field` picks where the URL goes: "photo_url", "photo", or "attachments" (as `[{type, url}]`)."""
    message = _message(sender, chat_id=chat_id, chat_type=chat_type, name=name, message_id=message_id)
    if field == "attachments":
        message["attachments"] = [{"type": "image", "url": url}]
    else:
        message[field] = url
    if caption:
        message["caption"] = caption
    return {"event_name": "message.image.received", "message": message}


def sticker_update(sender: str) -> dict[str, Any]:
    message = _message(sender, chat_id=None, chat_type="PRIVATE", name="Nguyễn Văn A", message_id=None)
    message["sticker"] = "d063f44dc80821567819"
    return {"event_name": "message.sticker.received", "message": message}


def unsupported_update(sender: str) -> dict[str, Any]:
    message = _message(sender, chat_id=None, chat_type="PRIVATE", name="Nguyễn Văn A", message_id=None)
    return {"event_name": "message.unsupported.received", "message": message}
