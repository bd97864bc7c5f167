"""A minimal fake Telegram Bot API on 127.0.0.1 for pacing tests and the broadcast benchmark.

Only `sendMessage`, and the limit that matters: more than `limit` accepted messages inside any sliding
second → HTTP 429 with `retry_after` (what Telegram does above ~30 msg/s per bot). Chats listed in
`blocked` answer 403. An optional `latency` imitates the round trip to api.telegram.org, so that a
sender that waits for each answer before the next would visibly fall short of the rate.

(The full fake Telegram server of the channel tests lives in tests/fake_telegram/.)

`BotApiSender` is the smallest real client of it: the reminder engine's `Sender` over HTTP, mapping
429 → RetryLater and 403 → Unreachable like the Telegram channel does.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from domain.messages import Reply, RetryLater, Unreachable
from presentation.markup import to_html


class FakeBotApi:
    def __init__(self, *, limit: int = 30, window: float = 1.0, latency: float = 0.0,
                 blocked: set[str] | None = None) -> None:
        self.limit = limit
        self.window = window
        self.latency = latency
        self.blocked = blocked or set()
        self.accepted: list[float] = []  # monotonic arrival times of accepted messages
        self.arrivals: list[float] = []  # of every sendMessage, accepted or not
        self.rejected = 0
        self.messages: list[dict] = []
        self._recent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> str:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like the real API

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = api.handle(self.path, body)
                if api.latency:
                    time.sleep(api.latency)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # /stats: the figures, for a server run in another process
                data = json.dumps(api.stats()).encode()
                self.send_response(200 if self.path == "/stats" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:  # quiet
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeBotApi:
        self.base_url = self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the API --------------------------------------------------------------------------------------
    def handle(self, path: str, body: bytes) -> tuple[int, dict]:
        if not path.endswith("/sendMessage"):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        payload = json.loads(body or b"{}")
        chat = str(payload.get("chat_id"))
        if chat in self.blocked:
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        with self._lock:
            now = time.monotonic()
            self.arrivals.append(now)
            while self._recent and self._recent[0] <= now - self.window:
                self._recent.popleft()
            if len(self._recent) >= self.limit:
                self.rejected += 1
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                             "parameters": {"retry_after": 1}}
            self._recent.append(now)
            self.accepted.append(now)
            self.messages.append(payload)
            message_id = len(self.accepted)
        return 200, {"ok": True, "result": {"message_id": message_id, "chat": {"id": chat}, "text": payload.get("text")}}

    # -- figures ---------------------------------------------------------------------------------------
    def stats(self) -> dict:
        with self._lock:
            return {"accepted": len(self.accepted), "rejected": self.rejected, "rate": self.rate(),
                    "max_in_window": self.max_in_window()}

    def rate(self) -> float:
        """Accepted messages per second between the first and the last one."""
        if len(self.accepted) < 2:
            return 0.0
        return (len(self.accepted) - 1) / (self.accepted[-1] - self.accepted[0])

    def max_in_window(self) -> int:
        """The most requests (accepted or not) that arrived inside any sliding window."""
        best, start = 0, 0
        for end, at in enumerate(self.arrivals):
            while self.arrivals[start] <= at - self.window:
                start += 1
            best = max(best, end - start + 1)
        return best


class BotApiSender:
    """The engine's Sender over the Bot API (HTML text, inline keyboard)."""

    channel = "telegram"

    def __init__(self, base_url: str, token: str = "123:TEST", *, client: httpx.AsyncClient | None = None) -> None:
        self.url = f"{base_url}{token}/sendMessage"
        self.client = client or httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_keepalive_connections=32))

    async def send(self, chat_id: str, reply: Reply) -> None:
        payload: dict = {"chat_id": chat_id, "text": to_html(reply.text), "parse_mode": "HTML"}
        if reply.buttons:
            payload["reply_markup"] = {
                "inline_keyboard": [[{"text": b.text, "callback_data": b.data} for b in row] for row in reply.buttons]
            }
        response = await self.client.post(self.url, json=payload)
        if response.status_code == 429:
            raise RetryLater(float(response.json().get("parameters", {}).get("retry_after", 1)))
        if response.status_code == 403:
            raise Unreachable(response.json().get("description", ""))
        response.raise_for_status()

    async def close(self) -> None:
        await self.client.aclose()


class FakeBotApiProcess:
    """The fake API in a process of its own, like the real one on another machine: its arrival times
    are then not delayed by the client's event loop holding the GIL."""

    def __init__(self, *, limit: int = 30, latency: float = 0.0) -> None:
        root = Path(__file__).resolve().parents[2]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.bot_api", "--limit", str(limit), "--latency", str(latency)],
            cwd=root, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(root)},
        )
        self.base_url = self.proc.stdout.readline().strip()

    def stats(self) -> dict:
        return httpx.get(self.base_url.removesuffix("/bot") + "/stats").json()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def __enter__(self) -> FakeBotApiProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    """Serve in a process of its own (the benchmark does this, so that the server's clock readings are
    not delayed by the client's event loop holding the GIL): prints the base URL, serves until killed."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    api = FakeBotApi(limit=args.limit, latency=args.latency)
    print(api.start(), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
