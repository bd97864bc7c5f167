"""The README's first command: the console chat on a fresh data directory answers a real question."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], data_dir: Path, stdin: str = "", **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_URL"))}
    environment.update(CCHC_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, timeout=120,
        env=environment, cwd=data_dir,
    )


def test_run_without_token_opens_console_on_empty_database(tmp_path):
    result = _run(["run"], tmp_path, "quý này có việc gì đến hạn?\n/thoat\n", CCHC_TODAY="2022-08-15")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "đã nạp kế hoạch mẫu (Kế hoạch CCHC 2022 của Sở Công Thương)" in out
    assert "NV 3 " in out and "hạn 30/09" in out and "NV 8 " in out
    assert "Traceback" not in result.stderr and "apscheduler" not in result.stderr  # no log noise in the chat
    assert (tmp_path / "cchc.db").exists()


def test_bundled_plan_is_rebased_to_the_current_year(tmp_path):
    result = _run(["chat", "--as", "thanh-tra"], tmp_path, "nhiệm vụ 16 là gì\n", CCHC_TODAY="2026-03-02")
    assert result.returncode == 0, result.stderr
    assert "chuyển các mốc sang năm 2026" in result.stdout
    assert "Theo dõi tình hình thi hành pháp luật" in result.stdout
    dump = json.loads(_run(["plan", "dump", "--json"], tmp_path).stdout)
    assert dump["plan"]["year"] == 2026


def test_chat_with_unknown_unit_is_one_line_error(tmp_path):
    result = _run(["chat", "--as", "khong-co"], tmp_path, "")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "khong-co" in result.stderr


def test_invite_json_and_register_in_console_flow(tmp_path):
    result = _run(["invite", "--unit", "qltm", "--role", "head", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    invite = json.loads(result.stdout)
    assert set(invite) == {"code", "telegram_link", "expires_at"} and len(invite["code"]) == 6
    bad = _run(["invite", "--unit", "nowhere", "--role", "head"], tmp_path)
    assert bad.returncode == 1 and "nowhere" in bad.stderr and "Traceback" not in bad.stderr


def test_the_console_warns_when_the_stored_plan_is_for_another_year(tmp_path):
    first = _run(["chat"], tmp_path, "/thoat\n", CCHC_TODAY="2026-03-02")  # stores the plan re-based to 2026
    assert first.returncode == 0, first.stderr
    assert "Kế hoạch đang lưu" not in first.stdout
    result = _run(["run"], tmp_path, "quý này có việc gì đến hạn?\n/thoat\n", CCHC_TODAY="2022-08-15")
    assert result.returncode == 0, result.stderr
    assert "Kế hoạch đang lưu là của năm 2026, còn hôm nay là 15/08/2022" in result.stdout
    assert "--year 2022" in result.stdout
