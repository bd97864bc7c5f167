"""Lint the operations guide (docs/operations.md) so that what a person copies from it works:

- every ```bash block passes `bash -n` (syntax);
- every ```env block (and `.env.example`) sets only variables the settings object knows (`bot/settings.py`), and
  each value is accepted by it;
- every `cchc-bot …` / `cchc …` command written in a bash or ini block names a command that exists, with options
  the command line's own parser accepts.

    .venv/bin/python scripts/check_ops_guide.py [docs/operations.md]   # prints the faults, exits 1 if any
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
# `cchc-bot ARGS` (also `/opt/…/cchc-bot ARGS`), or the guide's wrapper `cchc ARGS` at the start of a line
COMMAND = re.compile(r"(?:(?:^|[\s;&|(/])cchc-bot|^\s*cchc)[ \t]+([a-z][^\n|;&>)`]*)", re.M)


def blocks(text: str) -> list[tuple[str, str, int]]:
    """(language, body, line number) of every fenced block."""
    return [(m.group(1), m.group(2), text[: m.start()].count("\n") + 1) for m in FENCE.finditer(text)]


def check_bash(body: str) -> str | None:
    done = subprocess.run(["bash", "-n"], input=body, capture_output=True, text=True)
    return done.stderr.strip() or None if done.returncode else None


def check_env(body: str) -> list[str]:
    from pydantic import ValidationError

    from bot.settings import Settings

    known = {name.upper() for name in Settings.model_fields}
    faults, values = [], {}
    for number, line in enumerate(body.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            faults.append(f"line {number}: «{line}» is not KEY=VALUE")
        elif key.strip() not in known:
            faults.append(f"line {number}: {key.strip()} is not a setting of bot/settings.py")
        else:
            values[key.strip().lower()] = value.split(" #")[0].strip()
    try:
        Settings(_env_file=None, **values)
    except ValidationError as exc:
        first = exc.errors()[0]
        faults.append(f"{first['loc'][0]}: {first['msg']}")
    return faults


def check_commands(body: str) -> list[str]:
    from bot.cli import _load_command_modules, build_parser

    _load_command_modules()
    parser = build_parser()
    faults = []
    code = "\n".join(line.split(" # ")[0] for line in body.splitlines() if not line.lstrip().startswith("#"))
    code = re.sub(r"\$\([^)]*\)", "X", code.replace("\\\n", " "))  # continuation lines joined, $(…) one word
    for match in COMMAND.finditer(code):
        words = match.group(1).strip()
        try:
            argv = ["X" if "$" in word else word for word in shlex.split(words)]
        except ValueError:  # a quote opened before the command: not ours to judge
            continue
        if not argv:
            continue
        try:
            parser.parse_args(argv)
        except SystemExit as exc:
            if exc.code:
                faults.append(f"`cchc-bot {words}` is refused by the command line")
    return faults


def check(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    faults: list[str] = []
    for language, body, line in blocks(text):
        where = f"{path.name}:{line}"
        if language in ("bash", "sh"):
            error = check_bash(body)
            if error:
                faults.append(f"{where}: bash -n: {error}")
        if language == "env":
            faults += [f"{where}: {fault}" for fault in check_env(body)]
        if language in ("bash", "sh", "ini"):
            faults += [f"{where}: {fault}" for fault in check_commands(body)]
    example = ROOT / ".env.example"
    if path.name == "operations.md" and example.exists():
        uncommented = "\n".join(line.lstrip("# ") for line in example.read_text(encoding="utf-8").splitlines()
                                if re.match(r"^#?\s?[A-Z][A-Z0-9_]+=", line))
        faults += [f".env.example: {fault}" for fault in check_env(uncommented)]
    return faults


def main(argv: list[str]) -> int:
    import contextlib
    import io

    path = Path(argv[0]) if argv else ROOT / "docs" / "operations.md"
    with contextlib.redirect_stderr(io.StringIO()):  # argparse's own complaints: reported as faults instead
        faults = check(path)
    for fault in faults:
        print(fault)
    print(f"{path}: {len(blocks(path.read_text(encoding='utf-8')))} blocks, {len(faults)} faults", file=sys.stderr)
    return 1 if faults else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
