"""Running `cchc-bot` in tests: `cli` calls the CLI's `main(argv)` in this process (fast), `process` runs
`python -m bot` as a real subprocess (keep one or two of those per command, for the entry point, exit
codes and what a process writes on stderr).

Both isolate the command like an operator's fresh shell: CCHC_DATA_DIR is the test's directory, which is
also the working directory (so no .env of the working tree is read), and variables of the developer's
shell that would redirect the CLI elsewhere are removed.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]
# Variables of the developer's shell that would redirect the CLI away from the test's database.
ISOLATE = ("DATABASE_URL", "CCHC_TODAY", "UNITS_FILE", "REPORTING_CALENDAR_FILE", "CALENDAR_OVERRIDES_FILE")
ISOLATE_PREFIXES = ("TELEGRAM_", "ZALO_")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def _isolated(key: str) -> bool:
    return key.upper() in ISOLATE or key.upper().startswith(ISOLATE_PREFIXES)


def cli(data_dir: Path, *args: str, stdin: str = "", **env: str) -> Result:
    """`cchc-bot ARGS` in this process, reading `stdin`, with extra environment `env`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stdin_file, pytest.MonkeyPatch.context() as patch:
        stdin_file.write(stdin)  # a real file: commands may read sys.stdin through its file descriptor
        stdin_file.seek(0)
        for key in os.environ:
            if _isolated(key):
                patch.delenv(key)
        patch.setenv("CCHC_DATA_DIR", str(data_dir))
        for key, value in env.items():
            patch.setenv(key, value)
        patch.chdir(data_dir)
        patch.setattr(sys, "stdin", stdin_file)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse's usage errors
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue())


def isolated_environment(data_dir: Path, **env: str) -> dict[str, str]:
    """The environment of a `python -m bot` subprocess on `data_dir`, isolated like `cli`."""
    environment = {k: v for k, v in os.environ.items() if not _isolated(k)}
    environment.update(CCHC_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), **env)
    return environment


def process(data_dir: Path, *args: str, stdin: str = "", **env: str) -> Result:
    """`python -m bot ARGS` as a real subprocess, isolated the same way."""
    data_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, cwd=data_dir, env=isolated_environment(data_dir, **env),
        capture_output=True, text=True, timeout=110,
    )
    return Result(done.returncode, done.stdout, done.stderr)
