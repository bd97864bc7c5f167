"""An async client for the Zalo Bot Platform API (`{ZALO_BASE_URL}/bot<TOKEN>/<method>`, JSON POST).

Why our own client: the only Python SDK on PyPI is an unmaintained fork of python-telegram-bot that
blocks the event loop, and the API is small. Everything here is defensive because the platform's
documentation is thin and sources disagree: a failure may come as an HTTP status *or* as
`{"ok": false, "error_code": N}` with HTTP 200, so both are read the same way.

Transient failures (network errors, 429, 5xx) are retried with exponential backoff; anything else is
raised at once as `ZaloApiError`, because repeating a bad request only wastes the rate limit.
The token is part of every URL, so it never appears in our messages or in httpx's request log.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import httpx

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
MESSAGE_LIMIT = 2000  # sendMessage accepts 1–2,000 characters
POLL_TIMEOUT = 30  # seconds a getUpdates call may wait for a message
SECRET_MIN, SECRET_MAX = 8, 256  # setWebhook secret_token length
RETRYABLE_CODES = frozenset({403, 408, 429, 500, 502, 503, 504})  # 403: a server-side error per the docs; 408: a timeout


class ZaloApiError(Exception):
    """The API refused a call (or kept failing). `code` is the error_code or the HTTP status."""

    def __init__(self, method: str, code: int | None, description: str = "", retry_after: float | None = None):
        super().__init__(f"Zalo {method}: {code} {description}".strip())
        self.method = method
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """A failure worth trying again later (rate limit, server trouble, network)."""
        return self.code is None or self.code in RETRYABLE_CODES


class _RedactToken(logging.Filter):
    """httpx logs every request URL at INFO; the bot token is in that URL. Replace it before any
    handler formats the record, so an operator's log file never holds a usable token."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.tokens and record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(self._clean(a) for a in args)
        if self.tokens and isinstance(record.msg, str):
            record.msg = self._clean(record.msg)
        return True

    def _clean(self, value: Any) -> Any:
        if not isinstance(value, str | httpx.URL):
            return value
        text = str(value)
        for token in self.tokens:
            text = text.replace(token, "<ZALO_BOT_TOKEN>")
        return text


_REDACT = _RedactToken()


def _install_redaction(token: str) -> None:
    _REDACT.tokens.add(token)
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)


class ZaloClient:
    """One bot's connection to the API. `retries`/`backoff` are per call: with the defaults a call that
    keeps meeting 429/5xx is tried 5 times over about 7.5 s before giving up."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        http: httpx.AsyncClient | None = None,
        retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        request_timeout: float = 20.0,
    ) -> None:
        if not token:
            raise ValueError("ZALO_BOT_TOKEN is empty")
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.request_timeout = request_timeout
        self._http = http or httpx.AsyncClient(timeout=request_timeout)
        self._owns_http = http is None
        _install_redaction(token)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- transport -------------------------------------------------------------------------------
    async def call(
        self, method: str, payload: dict[str, Any] | None = None, *, timeout: float | None = None,
        retries: int | None = None,
    ) -> Any:
        """POST one method and return its `result`; retry transient failures with backoff."""
        attempts = (self.retries if retries is None else retries) + 1
        for attempt in range(attempts):
            try:
                return await self._call_once(method, payload, timeout)
            except ZaloApiError as exc:
                if not exc.transient or attempt == attempts - 1:
                    raise
                delay = self._delay(attempt, exc.retry_after)
                log.warning("Zalo %s failed (%s), retry %d/%d in %.2fs", method, exc.code or exc.description,
                            attempt + 1, attempts - 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with a little jitter (so several bot processes do not retry in step);
        a server's Retry-After wins when it asks for longer."""
        delay = min(self.max_backoff, self.backoff * 2**attempt) * (1 + random.random() * 0.1)
        return max(delay, min(retry_after or 0.0, self.max_backoff))

    async def _call_once(self, method: str, payload: dict[str, Any] | None, timeout: float | None) -> Any:
        url = f"{self.base_url}/bot{self.token}/{method}"
        try:
            response = await self._http.post(
                url, json=payload or {}, timeout=timeout if timeout is not None else self.request_timeout
            )
        except httpx.TimeoutException as exc:
            raise ZaloApiError(method, None, f"timeout ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise ZaloApiError(method, None, f"network error ({type(exc).__name__})") from None
        retry_after = _retry_after(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            code = response.status_code if response.status_code >= 400 else None
            raise ZaloApiError(method, code, f"HTTP {response.status_code}, not a JSON object", retry_after)
        if response.status_code >= 400 or not body.get("ok", False):
            code = _int(body.get("error_code")) or (response.status_code if response.status_code >= 400 else None)
            params = body.get("parameters")
            retry_after = retry_after or (_float(params.get("retry_after")) if isinstance(params, dict) else None)
            raise ZaloApiError(method, code, str(body.get("description") or body.get("message") or ""), retry_after)
        return body.get("result")

    # -- methods ---------------------------------------------------------------------------------
    async def get_me(self) -> dict[str, Any]:
        return await self.call("getMe") or {}

    async def get_updates(self, timeout: int = POLL_TIMEOUT) -> list[dict[str, Any]]:
        """Wait up to `timeout` s for what arrived. The platform returns one update per call (some
        sources say a list): both are accepted. A poll timeout (error_code 408, or the HTTP request
        timing out) is the normal "nothing new" and yields []. Not retried here: the polling loop
        owns the pace."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + 10, retries=0
            )
        except ZaloApiError as exc:
            if exc.code == 408 or (exc.code is None and exc.description.startswith("timeout")):
                return []
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        return [result] if isinstance(result, dict) and result else []

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        check_secret(secret_token)
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def send_message(self, chat_id: str, text: str) -> Any:
        if not 1 <= len(text) <= MESSAGE_LIMIT:
            raise ValueError(f"Zalo text must be 1–{MESSAGE_LIMIT} characters, got {len(text)}")
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> Any:
        """The photo goes by URL (the platform fetches it): the URL must be reachable from Zalo."""
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption[:MESSAGE_LIMIT]
        return await self.call("sendPhoto", payload)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        """Best effort, once: a lost «typing…» is not worth a retry that delays the answer."""
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action}, retries=0)


def check_secret(secret: str | None) -> str:
    """setWebhook takes a secret of 8–256 characters; refuse anything else before asking Zalo."""
    if not secret or not SECRET_MIN <= len(secret) <= SECRET_MAX:
        raise ValueError(f"ZALO_WEBHOOK_SECRET must be {SECRET_MIN}–{SECRET_MAX} characters")
    return secret


def _retry_after(response: httpx.Response) -> float | None:
    return _float(response.headers.get("retry-after"))


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
