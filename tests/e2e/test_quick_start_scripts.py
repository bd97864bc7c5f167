"""`./scripts/cchc ARGS`: any command without activating the virtualenv, in the caller's folder (their relative
paths), on the project's data/ unless CCHC_DATA_DIR says otherwise; the environment script keeps two stamps."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli_kit import ROOT, _isolated
from tests.conftest import SEED


def _stamped() -> bool:
    digest = subprocess.run(["sha256sum", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True).stdout[:16]
    return (ROOT / ".venv" / f".installed-runtime-{digest}").exists()


@pytest.mark.skipif(not _stamped(), reason="the project's .venv is not installed by scripts/_venv.sh yet")
def test_cchc_runs_a_command_in_the_callers_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not _isolated(k)}
    env["CCHC_DATA_DIR"] = str(tmp_path / "data")
    run = subprocess.run([str(ROOT / "scripts" / "cchc"), "plan", "import", str(SEED), "--year", "2026"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "cài" not in run.stderr  # installed already: nothing to say, nothing installed
    made = subprocess.run([str(ROOT / "scripts" / "cchc"), "backup", "--out", "here.tar.gz"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "here.tar.gz").exists() and (tmp_path / "data" / "cchc.db").exists()


def test_the_environment_script_keeps_two_stamps() -> None:
    script = (ROOT / "scripts" / "_venv.sh").read_text(encoding="utf-8")
    assert ".installed-runtime-" in script and ".installed-dev-" in script
    assert "-e '.[dev]'" in script and "_cchc_pip \"ứng dụng\" -e ." in script
    assert "CCHC_EXTRAS=dev source scripts/_venv.sh" in (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert "CCHC_EXTRAS" not in (ROOT / "scripts" / "run").read_text(encoding="utf-8")
    for name in ("run", "test", "cchc", "_venv.sh"):
        assert subprocess.run(["bash", "-n", str(ROOT / "scripts" / name)]).returncode == 0
