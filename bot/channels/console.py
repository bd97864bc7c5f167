"""The console channel: the same conversation engine in a terminal.

It is what a newcomer sees first (`./scripts/run` with no token) and what operators use to try a
question on the server. Buttons are shown as numbered choices; typing the number presses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sys
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
    while True:
        try:
            line = await asyncio.to_thread(input, "> ") if interactive else await asyncio.to_thread(stdin.readline)
        except EOFError:
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
