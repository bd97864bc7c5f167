"""The one fake Telegram Bot API of the test suite (and the benchmarks), on 127.0.0.1.

The tests run without the internet against the real python-telegram-bot stack (its HTTP client, request
encoding, rate limiter and polling loop), so the fake speaks real HTTP: a Starlette app served by uvicorn
on a free port (port 0) in the test's own event loop — or, with `FakeTelegramProcess`, in a process of
its own, so that its clock readings are not delayed by the client's loop holding the GIL.

Use:

    async with FakeTelegram() as fake:                   # or: fake = await FakeTelegram().start()
        settings: telegram_bot_token=fake.token, telegram_base_url=fake.base_url,
                  telegram_base_file_url=fake.base_file_url
        fake.message(user, "xin chào")                   # queue an update for getUpdates
        [reply] = await fake.wait_sent(user.id)          # wait (on a condition) for the bot's answer
        fake.press(user, "st:12:done", message=reply)    # press a button under a message it sent

Options (constructor):
- `limits=TELEGRAM_LIMITS` answers 429 + `retry_after` like Telegram: more than 30 messages in any second
  per bot, or more than 1 a second to one chat (`Limits(per_bot=..., per_chat=..., window=...)`,
  `per_chat=None` to lift the chat limit). Off by default.
- `latency=0.02` answers every call after that many seconds (the round trip to api.telegram.org).

What it does:
- serves queued updates to `getUpdates` (long polling: an empty answer only after `timeout`),
  honouring `offset` like Telegram (updates below it are confirmed and forgotten; the others are
  served again until confirmed);
- answers sendMessage, editMessageText, answerCallbackQuery, sendPhoto, sendDocument, sendChatAction,
  getMe, getFile (+ the file download URL), setMyCommands, deleteWebhook, setWebhook, getWebhookInfo;
- records every call (`calls`: method, decoded parameters, uploaded files, the status it answered);
  `stats()` (also `GET /stats`) gives accepted / rejected (429) sends, the sustained rate and the most
  sends that arrived inside any window;
- injects faults: `fail(method, status=429, retry_after=1, times=1, chat_id=None)` answers the next calls
  of a method with an error, `block(chat_id)` makes every send to that chat a 403 "bot was blocked by the
  user";
- in webhook mode, `post_to_webhook(update)` POSTs to the URL the bot registered with its secret.

`BotApiSender` (tests/fake_telegram/sender.py) is the smallest real client: the reminder engine's
`Sender` over HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import email.parser
import email.policy
import itertools
import json
import sys
import time
import urllib.parse
from bisect import insort
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fake_http import LocalServer
from tests.waiting import listening

JSON_PARAMS = {
    "reply_markup", "commands", "allowed_updates", "scope", "entities", "caption_entities",
    "link_preview_options", "reply_parameters", "media",
}
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "user_id", "reply_to_message_id"}
FLOAT_PARAMS = {"timeout", "cache_time"}
SEND_METHODS = {"sendmessage", "sendphoto", "senddocument", "editmessagetext", "sendchataction"}
LIMITED_METHODS = SEND_METHODS - {"sendchataction"}  # what Telegram counts against its message limits
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files, like the real server


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits: at most `per_bot` messages in any `window` seconds over all chats, and at
    most `per_chat` in any `chat_window` seconds to one chat (None: no chat limit); above → 429."""

    per_bot: int = 30
    per_chat: int | None = 1
    window: float = 1.0
    chat_window: float = 1.0
    retry_after: int = 1


TELEGRAM_LIMITS = Limits()


@dataclass
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


# A client may say when it sent a request (`time.time()`, seconds); the limits then count the request at
# that moment rather than when this server got round to it. On a loaded 2-core machine the server's
# process can stall for half a second and then see a paced client's requests bunched together — a burst
# the client never sent. Real Telegram sees the network's timing; this is what the pacing tests check.
SENT_AT_HEADER = "x-sent-at"


@dataclass
class Call:
    method: str  # as the client spelled it, e.g. "sendMessage"
    params: dict[str, Any]
    files: dict[str, Upload]
    status: int = 0  # 0 while the server is still answering (a long poll)
    result: Any = None  # what the server answered ("result" of an ok answer)
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[dict]:
        """Inline buttons of the call, flattened (each {'text':..., 'callback_data' or 'url':...})."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class TgUser:
    id: int
    first_name: str = "Người dùng"
    username: str | None = None

    def as_dict(self) -> dict:
        data = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data

    @property
    def private_chat(self) -> dict:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


@dataclass
class _StoredFile:
    file_id: str
    unique_id: str
    path: str
    size: int
    data: bytes | None  # None: a file that only claims a size (e.g. 25 MB) and is never downloadable


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    retry_after: int | None
    times: int
    chat_id: Any = None


class FakeTelegram:
    """One fake bot. Start with `await fake.start()` (or `async with FakeTelegram() as fake`)."""

    def __init__(
        self, token: str = "123456:TEST-fake-token", username: str = "cchc_test_bot", bot_id: int = 999_000, *,
        limits: Limits | None = None, latency: float = 0.0,
    ):
        self.token = token
        self.limits = limits
        self.latency = latency
        self.accepted: list[float] = []  # monotonic times of sends answered 200
        self.arrivals: list[float] = []  # of every send (limited methods), accepted or not
        self.rejected = 0  # sends answered 429 by the limits
        self.refusals: list[str] = []  # why each was: which limit, the chat, how many sends that window held
        self._recent: collections.deque[float] = collections.deque()
        self._recent_by_chat: dict[Any, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._closing = False
        self.username = username
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] = {}
        self.webhook_target: str | None = None  # where the bot listens when its public URL is a proxy's
        self.commands: list[dict] = []
        self._pending: list[tuple[dict, bool]] = []  # (update, served even below the offset)
        self._update_ids = itertools.count(1001)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._chats: dict[int, dict] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._faults: list[_Fault] = []
        self._blocked: dict[int, str] = {}
        self.bot_limit: int | None = None  # sends a second per bot; beyond → 429 (set by the test)
        self._recent_sends: list[float] = []
        self._hold_after: int | None = None  # sends beyond this many are held (never answered)
        self._held = asyncio.Event()
        self._changed = asyncio.Condition()
        self._server: LocalServer | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> FakeTelegram:
        """Serve on a free port of 127.0.0.1 (tests/fake_http.py); clients may connect as soon as this returns."""
        app = Starlette(routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])])
        self._server = LocalServer(app, timeout_keep_alive=60)
        self._closing = False
        self.port = await self._server.start()
        return self

    async def stop(self) -> None:
        if self._server is None:
            return
        self._closing = True  # pending long polls answer at once
        await self._wake()
        await self._server.stop()
        self._server = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Trợ lý CCHC", "username": self.username}

    # -- updates the test sends to the bot -------------------------------------------------------
    def push(self, update: dict) -> dict:
        """Queue an update for getUpdates (an `update_id` is assigned when missing)."""
        update.setdefault("update_id", next(self._update_ids))
        self._pending.append((update, False))
        self._notify()
        return update

    def redeliver(self, update: dict) -> dict:
        """Serve an already delivered update again, same update_id (as Telegram may after a timeout)."""
        self._pending.append((update, True))
        self._notify()
        return update

    def message(self, user: TgUser, text: str | None = None, *, chat: dict | None = None, **fields) -> dict:
        """Queue a message from `user` (in their private chat unless `chat` is given)."""
        return self.push({"update_id": next(self._update_ids), "message": self.make_message(user, text, chat=chat, **fields)})

    def make_update_message(self, user: TgUser, text: str | None = None, *, chat: dict | None = None, **fields) -> dict:
        """A message update that is not queued (for `post_to_webhook`)."""
        return {"update_id": next(self._update_ids), "message": self.make_message(user, text, chat=chat, **fields)}

    def make_message(self, user: TgUser, text: str | None = None, *, chat: dict | None = None, **fields) -> dict:
        chat = chat or user.private_chat
        self._chats[chat["id"]] = chat
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": user.as_dict()}
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message.update(fields)
        return message

    def press(self, user: TgUser, data: str, *, message: dict | Call | None = None, chat: dict | None = None) -> dict:
        """Queue a callback query: `user` pressed a button with `data` under `message` (a message the
        bot sent — a recorded Call — or a raw message dict)."""
        if isinstance(message, Call):
            message = self.message_of(message)
        message = message or {"message_id": next(self._message_ids), "date": int(time.time()),
                              "chat": chat or user.private_chat, "from": self.bot_user, "text": "…"}
        query = {"id": str(next(self._update_ids)), "from": user.as_dict(), "chat_instance": "ci", "data": data,
                 "message": message}
        return self.push({"update_id": next(self._update_ids), "callback_query": query})

    def photo(self, user: TgUser, data: bytes, *, caption: str | None = None, chat: dict | None = None) -> dict:
        """A photo as Telegram delivers it: several sizes, the largest last."""
        big = self.add_file(data, "photos")
        small = self.add_file(data[: max(1, len(data) // 10)], "photos")
        sizes = [
            {"file_id": small.file_id, "file_unique_id": small.unique_id, "width": 90, "height": 60, "file_size": small.size},
            {"file_id": big.file_id, "file_unique_id": big.unique_id, "width": 1280, "height": 853, "file_size": big.size},
        ]
        fields: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            fields["caption"] = caption
        return self.message(user, None, chat=chat, **fields)

    def document(
        self, user: TgUser, data: bytes | None, *, file_name: str, mime_type: str, caption: str | None = None,
        size: int | None = None, chat: dict | None = None, declare_size: bool = True, **extra,
    ) -> dict:
        """A document; `data=None, size=N` makes a file that only claims its size (never downloadable)."""
        stored = self.add_file(data, "documents", size=size, suffix=file_name.rsplit(".", 1)[-1])
        doc = {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "file_name": file_name, "mime_type": mime_type}
        if declare_size:
            doc["file_size"] = stored.size
        fields: dict[str, Any] = {"document": doc, **extra}
        if caption is not None:
            fields["caption"] = caption
        return self.message(user, None, chat=chat, **fields)

    def add_file(self, data: bytes | None, folder: str, *, size: int | None = None, suffix: str = "jpg") -> _StoredFile:
        n = next(self._file_ids)
        stored = _StoredFile(
            file_id=f"FILE{n}-{'x' * 20}", unique_id=f"U{n}", path=f"{folder}/file_{n}.{suffix}",
            size=size if size is not None else len(data or b""), data=data,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.path] = stored
        return stored

    # -- faults ----------------------------------------------------------------------------------
    def fail(
        self, method: str, *, status: int = 429, retry_after: int | None = 1, times: int = 1,
        description: str | None = None, chat_id: Any = None,
    ) -> None:
        """Answer the next `times` calls of `method` (optionally only to `chat_id`) with an error."""
        if description is None:
            description = f"Too Many Requests: retry after {retry_after}" if status == 429 else "Bad Request"
        self._faults.append(_Fault(method.lower(), status, description, retry_after if status == 429 else None, times, chat_id))

    def block(self, chat_id: int, description: str = "Forbidden: bot was blocked by the user") -> None:
        """Every send to `chat_id` answers 403 (also used for "bot can't initiate conversation")."""
        self._blocked[int(chat_id)] = description

    def hold_sends(self, after: int) -> None:
        """Once `after` messages were delivered, hold every further send unanswered (a request in
        flight when the bot dies) until `drop_held()`, which answers them with an error — as if the
        connection broke before Telegram processed them. Added for the durable-inbox crash test."""
        self._hold_after = after
        self._held = asyncio.Event()

    def drop_held(self) -> None:
        self._hold_after = None
        self._held.set()

    def unblock(self, chat_id: int) -> None:
        self._blocked.pop(int(chat_id), None)

    # -- inspection ------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages the bot delivered (successful sends and edits), optionally to one chat."""
        return [
            c for c in self.calls
            if c.ok and c.method.lower() in SEND_METHODS - {"sendchataction"}
            and (chat_id is None or c.chat_id == chat_id)
        ]

    def message_of(self, call: Call) -> dict:
        """The message object a recorded send produced (to press its buttons)."""
        return call.result

    async def wait_for(self, predicate: Callable[[Call], bool], *, timeout: float = 10.0, count: int = 1) -> list[Call]:
        """Wait until `count` recorded calls match `predicate`; return them."""
        async def matched() -> list[Call]:
            async with self._changed:
                while True:
                    found = [c for c in self.calls if predicate(c)]
                    if len(found) >= count:
                        return found
                    await self._changed.wait()

        return await asyncio.wait_for(matched(), timeout)

    async def wait_sent(self, chat_id: int, count: int = 1, *, after: int = 0, timeout: float = 10.0) -> list[Call]:
        """Wait for `count` messages to `chat_id` beyond the first `after` ones; return the new ones."""
        found = await self.wait_for(
            lambda c: c.ok and c.method.lower() in SEND_METHODS - {"sendchataction"} and c.chat_id == chat_id,
            count=after + count, timeout=timeout,
        )
        return found[after:]

    # -- figures ---------------------------------------------------------------------------------
    def stats(self) -> dict:
        """Sends accepted and refused by the limits, the accepted rate, the most sends in any window."""
        return {"accepted": len(self.accepted), "rejected": self.rejected, "rate": self.rate(),
                "max_in_window": self.max_in_window()}

    def rate(self) -> float:
        """Accepted sends per second between the first and the last one."""
        if len(self.accepted) < 2:
            return 0.0
        return (len(self.accepted) - 1) / (self.accepted[-1] - self.accepted[0])

    def max_in_window(self) -> int:
        """The most sends (accepted or not) that arrived inside any sliding window of the limits."""
        window = self.limits.window if self.limits else 1.0
        best, start = 0, 0
        for end, at in enumerate(self.arrivals):
            while self.arrivals[start] <= at - window:
                start += 1
            best = max(best, end - start + 1)
        return best

    async def _wake(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _notify(self) -> None:
        async def notify() -> None:
            async with self._changed:
                self._changed.notify_all()

        with contextlib.suppress(RuntimeError):  # no running loop: nobody can be waiting
            asyncio.get_running_loop().create_task(notify())

    # -- HTTP ------------------------------------------------------------------------------------
    async def _endpoint(self, request: Request) -> Response:
        if request.method == "GET" and request.url.path == "/stats":
            return Response(_json(self.stats()), media_type="application/json")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        status, content_type, payload = await self._dispatch(
            request.method, target, dict(request.headers), await request.body()
        )
        return Response(payload, status_code=status, media_type=content_type)

    async def _dispatch(self, verb: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith(file_prefix):
            stored = self._files_by_path.get(path[len(file_prefix):])
            if stored is None or stored.data is None:
                return 404, "text/plain", b"Not Found"
            return 200, "application/octet-stream", stored.data
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, "application/json", _json({"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = path[len(prefix):]
        params, files = _decode(headers.get("content-type", ""), body, urllib.parse.urlsplit(target).query)
        call = Call(method, params, files)
        sent_at = headers.get(SENT_AT_HEADER)
        if sent_at:  # judge the limits by when the request left the client (see `SENT_AT_HEADER`)
            with contextlib.suppress(ValueError):
                call.at = time.monotonic() - max(0.0, time.time() - float(sent_at))
        self.calls.append(call)
        if method.lower() == "getupdates":
            self._notify()  # "the bot is polling" is something tests wait for
        status, answer = await self._answer(method.lower(), call)
        call.status, call.result = status, answer.get("result")
        if method.lower() != "getupdates" or answer.get("result"):
            self._notify()
        return status, "application/json", _json(answer)

    async def _answer(self, method: str, call: Call) -> tuple[int, dict]:
        params = call.params
        if self.latency:
            await asyncio.sleep(self.latency)  # the round trip to the real API, not a wait for anything
        fault = self._fault_for(method, params.get("chat_id"))
        if fault is not None:
            error: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": fault.description}
            if fault.retry_after is not None:
                error["parameters"] = {"retry_after": fault.retry_after}
            return fault.status, error
        if method in SEND_METHODS - {"sendchataction"} and self.bot_limit is not None:
            now = time.monotonic()
            self._recent_sends = [t for t in self._recent_sends if now - t < 1.0]
            if len(self._recent_sends) >= self.bot_limit:  # Telegram's ~30 messages a second per bot
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                             "parameters": {"retry_after": 1}}
            self._recent_sends.append(now)
        if method in SEND_METHODS and self._hold_after is not None and len(self.sent()) >= self._hold_after:
            await self._held.wait()
            return 503, {"ok": False, "error_code": 503, "description": "connection dropped (held)"}
        if method in SEND_METHODS and isinstance(params.get("chat_id"), int) and params["chat_id"] in self._blocked:
            return 403, {"ok": False, "error_code": 403, "description": self._blocked[params["chat_id"]]}
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        limited = method in LIMITED_METHODS
        if limited:
            refused = self._over_limits(params.get("chat_id"), call.at)
            if refused is not None:
                return refused
        result = await handler(call) if asyncio.iscoroutinefunction(handler) else handler(call)
        if isinstance(result, tuple):
            return result
        if limited:
            self.accepted.append(time.monotonic())
        return 200, {"ok": True, "result": result}

    def _over_limits(self, chat_id: Any, at: float | None = None) -> tuple[int, dict] | None:
        """Count a send against the limits: a 429 answer when it exceeds one, else None (and it counts)."""
        now = time.monotonic() if at is None else at
        insort(self.arrivals, now)
        if self.limits is None:
            return None
        limits = self.limits
        chat_recent = self._recent_by_chat[chat_id]
        for recent, window in ((self._recent, limits.window), (chat_recent, limits.chat_window)):
            while recent and recent[0] <= now - window:
                recent.popleft()
        if len(self._recent) >= limits.per_bot or (limits.per_chat is not None and len(chat_recent) >= limits.per_chat):
            self.rejected += 1
            which = "per bot" if len(self._recent) >= limits.per_bot else "per chat"
            self.refusals.append(f"{which}: chat {chat_id}, {len(self._recent)} sends of the bot and "
                                 f"{len(chat_recent)} of the chat in the window before it")
            return 429, {"ok": False, "error_code": 429,
                         "description": f"Too Many Requests: retry after {limits.retry_after}",
                         "parameters": {"retry_after": limits.retry_after}}
        insort(self._recent, now)
        insort(chat_recent, now)
        return None

    def _fault_for(self, method: str, chat_id: Any) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.times > 0 and (fault.chat_id is None or fault.chat_id == chat_id):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    # -- methods ---------------------------------------------------------------------------------
    def _m_getme(self, call: Call) -> dict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _m_getupdates(self, call: Call) -> list[dict]:
        offset = int(call.params.get("offset") or 0)
        limit = int(call.params.get("limit") or 100)
        timeout = float(call.params.get("timeout") or 0)
        if offset:
            self._pending = [(u, again) for u, again in self._pending if again or u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._pending and not self._closing and time.monotonic() < deadline:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), max(0.0, deadline - time.monotonic()))
        batch = self._pending[:limit]
        # Like Telegram, an update stays pending until a later getUpdates confirms it with `offset`
        # (a bot killed after fetching gets it again); only redeliveries are served once.
        self._pending = [entry for entry in self._pending if not (entry[1] and entry in batch)]
        return [u for u, _ in batch]

    def _sent_message(self, call: Call, **content) -> dict:
        chat_id = call.params.get("chat_id")
        chat = self._chats.get(chat_id) or {"id": chat_id, "type": "private" if not isinstance(chat_id, int) or chat_id > 0 else "group",
                                              "first_name": "?", "title": "?"}
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                   "from": self.bot_user, **content}
        if call.params.get("reply_markup"):
            message["reply_markup"] = call.params["reply_markup"]
        return message

    def _m_sendmessage(self, call: Call) -> dict | tuple:
        text = str(call.params.get("text") or "")
        if not text.strip():
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
        if len(text) > 4096 * 2:  # HTML source; the visible text is checked by the tests
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        return self._sent_message(call, text=text)

    def _m_editmessagetext(self, call: Call) -> dict:
        return self._sent_message(call, text=str(call.params.get("text") or ""))

    def _m_sendphoto(self, call: Call) -> dict:
        upload = call.files.get("photo")
        stored = self.add_file(upload.data if upload else b"", "photos")
        return self._sent_message(call, photo=[{"file_id": stored.file_id, "file_unique_id": stored.unique_id,
                                                "width": 100, "height": 100, "file_size": stored.size}],
                                  caption=call.params.get("caption"))

    def _m_senddocument(self, call: Call) -> dict:
        upload = call.files.get("document")
        stored = self.add_file(upload.data if upload else b"", "documents")
        return self._sent_message(call, document={"file_id": stored.file_id, "file_unique_id": stored.unique_id,
                                                  "file_name": upload.filename if upload else None,
                                                  "file_size": stored.size}, caption=call.params.get("caption"))

    def _m_sendchataction(self, call: Call) -> bool:
        return True

    def _m_answercallbackquery(self, call: Call) -> bool:
        return True

    def _m_getfile(self, call: Call) -> dict | tuple:
        stored = self._files.get(str(call.params.get("file_id")))
        if stored is None:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
        if stored.size > TELEGRAM_DOWNLOAD_LIMIT:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"}
        return {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "file_size": stored.size,
                "file_path": stored.path}

    def _m_setmycommands(self, call: Call) -> bool:
        self.commands = list(call.params.get("commands") or [])
        return True

    def _m_deletewebhook(self, call: Call) -> bool:
        self.webhook = {}
        return True

    def _m_setwebhook(self, call: Call) -> bool:
        self.webhook = {"url": call.params.get("url"), "secret_token": call.params.get("secret_token")}
        return True

    def _m_getwebhookinfo(self, call: Call) -> dict:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}

    # -- webhook mode ----------------------------------------------------------------------------
    async def post_to_webhook(self, update: dict, *, secret: str | None = "use-registered") -> httpx.Response:
        """POST `update` to the webhook the bot registered, with the secret header it registered
        (or `secret`, None for no header) — what Telegram does in webhook mode."""
        if secret == "use-registered":
            secret = self.webhook.get("secret_token")
        update.setdefault("update_id", next(self._update_ids))
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        url = self.webhook_target or self.webhook["url"]
        # the bot registers its webhook before its server listens (PTB's order): wait for the port
        where = urllib.parse.urlsplit(url)
        await listening(where.hostname, where.port or 443)
        async with httpx.AsyncClient() as client:
            return await client.post(url, json=update, headers=headers)


def _decode(content_type: str, body: bytes, query: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    raw: dict[str, str] = dict(urllib.parse.parse_qsl(query))
    files: dict[str, Upload] = {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        raw.update(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
    elif content_type.startswith("application/json") and body:
        raw.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(body).items()})
    elif content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = Upload(filename, part.get_content_type(), data)
            else:
                raw[name] = data.decode()
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in JSON_PARAMS:
            params[key] = json.loads(value)
        elif key in INT_PARAMS:
            try:
                params[key] = int(value)
            except ValueError:
                params[key] = value
        elif key in FLOAT_PARAMS:
            params[key] = float(value)
        else:
            params[key] = value
    return params, files


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


class FakeTelegramProcess:
    """A `FakeTelegram` in a process of its own, like the real API on another machine (used where the
    server's own clock readings matter: pacing tests, benchmarks). `stats()` reads its figures."""

    def __init__(self, *, limit: int = 30, per_chat: int | None = None, window: float = 1.0,
                 latency: float = 0.0) -> None:
        import os
        import subprocess
        from pathlib import Path

        root = Path(__file__).resolve().parents[2]
        args = [sys.executable, "-m", "tests.fake_telegram", "--limit", str(limit), "--window", str(window),
                "--latency", str(latency)]
        if per_chat is not None:
            args += ["--per-chat", str(per_chat)]
        self.proc = subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONPATH": str(root)})
        ready = json.loads(self.proc.stdout.readline())
        self.base_url: str = ready["base_url"]
        self.token: str = ready["token"]

    def stats(self) -> dict:
        return httpx.get(self.base_url.removesuffix("/bot") + "/stats").json()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def __enter__(self) -> FakeTelegramProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


async def _serve_forever(limits: Limits, latency: float) -> None:
    fake = await FakeTelegram(limits=limits, latency=latency).start()
    print(json.dumps({"base_url": fake.base_url, "token": fake.token}), flush=True)
    await asyncio.Event().wait()  # until terminated


def main() -> None:
    """`python -m tests.fake_telegram --limit 30`: serve until killed; prints where as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=30, help="messages per window per bot")
    parser.add_argument("--per-chat", type=int, default=None, help="messages per second per chat (none: no limit)")
    parser.add_argument("--window", type=float, default=1.0, help="seconds over which --limit counts")
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    limits = Limits(per_bot=args.limit, per_chat=args.per_chat, window=args.window)
    asyncio.run(_serve_forever(limits, args.latency))

