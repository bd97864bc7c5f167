"""The console channel: the same conversation engine in a terminal.

It is what a newcomer sees first (`./scripts/run` with no token) and what operators use to try a
question on the server. Buttons are shown as numbered choices; typing the number presses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from domain.messages import CONSOLE, Engine, Incoming, Reply
from presentation.markup import to_plain

EXIT_WORDS = {"/thoat", "/exit", "/quit", "thoat", "exit", "quit"}


def render(reply: Reply) -> str:
    text = to_plain(reply.text)
    numbers = itertools.count(1)
    rows = ["   ".join(f"[{next(numbers)}] {b.text}" for b in row) for row in reply.buttons]
    if reply.file:
        text += f"\n📎 {reply.file.name} ({reply.file.path})"
    return "\n".join([text, *rows]) if rows else text


class ConsoleSender:
    """Pushes (reminders) to the console user print straight to the terminal."""

    channel = CONSOLE

    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def send(self, chat_id: str, reply: Reply) -> None:
        print(f"\n🔔 {render(reply)}\n", file=self.out, flush=True)


async def run_console(
    engine: Engine, *, sender_id: str, name: str, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> None:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):  # line editing and history for input(); absent on Windows
            import readline  # noqa: F401
    counter = itertools.count(1)
    lines = _LineReader(asyncio.get_running_loop(), (lambda: input("> ")) if interactive else stdin.readline)
    while True:
        line = await lines.next()
        if line is None:
            break
        if not interactive:
            if line == "":
                break
            line = line.rstrip("\n")
            if line.strip():
                print(f"> {line}", file=stdout)
        if not line.strip():
            continue
        if line.strip().lower() in EXIT_WORDS:
            break
        message = Incoming(
            channel=CONSOLE, sender_id=sender_id, chat_id=sender_id, text=line, sender_name=name,
            message_id=f"{id(engine)}-{next(counter)}",
        )
        for reply in await engine.handle(message):
            print(render(reply), file=stdout, flush=True)
        print(file=stdout, flush=True)


class _LineReader:
    """Reads the terminal in a daemon thread of its own, one line when asked. Ctrl-C then ends the console at
    once: the event loop is never left waiting for a thread blocked in `input()` (asyncio.run's default executor
    would be joined at exit, so the console used to close only after the next Enter)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, read: Callable[[], str]) -> None:
        self._loop = loop
        self._read = read
        self._asked = threading.Semaphore(0)
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(target=self._run, name="console-input", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._asked.acquire()
            try:
                line: str | None = self._read()
            except (EOFError, OSError, ValueError):
                line = None
            try:
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the console ended (its loop is closed) while a line was being typed
                return
            if line is None:
                return

    async def next(self) -> str | None:
        self._asked.release()
        return await self._lines.get()


async def ask(prompt: str, stdin: TextIO | None = None) -> str | None:
    """One line from the terminal (None at end of input), Ctrl-C ending the program at once like the console."""
    stdin = stdin or sys.stdin
    read: Callable[[], str] = (lambda: input(prompt)) if stdin.isatty() else stdin.readline
    return await _LineReader(asyncio.get_running_loop(), read).next()
