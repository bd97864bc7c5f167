"""The console demo in a real terminal (a pseudo-terminal): the one-line menu of who you can be, and Ctrl-C
ending the console at once — not after the next Enter, and never with a traceback."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_kit import ROOT, _isolated


class Terminal:
    """`python -m bot ARGS` on a pseudo-terminal; `expect` reads its screen until a text appears."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not _isolated(k)}
        env.update(CCHC_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT), CCHC_TODAY="2022-08-15")
        # Started with Ctrl-C ignored, as a shell starts a job in the background: the console must end on
        # it by its own handler, not by whatever handler it inherited.
        self.process = subprocess.Popen([sys.executable, "-m", "bot", *args], stdin=slave, stdout=slave,
                                        stderr=slave, cwd=tmp_path, env=env,
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
        os.close(slave)
        self.screen = ""
        self.seen = 0  # what `expect` has matched so far: the next match is looked for after it

    def expect(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen[self.seen:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"«{text}» never appeared; the screen:\n{self.screen[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], left)  # waits on the terminal itself
            if ready:
                try:
                    self.screen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:  # the process closed the terminal
                    break
        assert text in self.screen[self.seen:], self.screen[-2000:]
        self.seen = self.screen.index(text, self.seen) + len(text)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.mark.heavy
def test_menu_then_ctrl_c_ends_the_console_at_once(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path, "run")
    try:
        terminal.expect("Chọn 1–3 (Enter = 1): ")
        assert "[1] trưởng phòng" in terminal.screen and "[3] Lãnh đạo Sở" in terminal.screen
        terminal.type("2\n")
        terminal.expect("điều phối")
        terminal.expect("> ")
        terminal.type("soạn báo cáo cchc quý 3\n")
        terminal.expect("Dự thảo báo cáo CCHC Quý III")
        terminal.expect("> ")
        terminal.process.send_signal(signal.SIGINT)  # what Ctrl-C sends; the prompt is waiting in input()
        assert terminal.process.wait(timeout=15) == 130
        terminal.expect("")  # drain what is left on the screen
        assert "Traceback" not in terminal.screen
    finally:
        terminal.close()
