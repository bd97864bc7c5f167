"""The README's first command: the console chat on a fresh data directory answers a real question.
The first test runs it as a real process (the README's exact experience); the others call the CLI
in-process (tests/cli_kit.py)."""

from __future__ import annotations

import json

import pytest

from tests.cli_kit import cli, process


@pytest.mark.heavy
def test_run_without_token_opens_console_on_empty_database(tmp_path):
    result = process(tmp_path, "run", stdin="quý này có việc gì đến hạn?\n/thoat\n", CCHC_TODAY="2022-08-15")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "đã nạp kế hoạch mẫu (Kế hoạch CCHC 2022 của Sở Công Thương)" in out
    assert "NV 3 " in out and "hạn 30/09" in out and "NV 8 " in out
    assert "Traceback" not in result.stderr and "apscheduler" not in result.stderr  # no log noise in the chat
    assert (tmp_path / "cchc.db").exists()


def test_bundled_plan_is_rebased_to_the_current_year(tmp_path):
    result = cli(tmp_path, "chat", "--as", "thanh-tra", stdin="nhiệm vụ 16 là gì\n", CCHC_TODAY="2026-03-02")
    assert result.returncode == 0, result.stderr
    assert "chuyển các mốc sang năm 2026" in result.stdout
    assert "Theo dõi tình hình thi hành pháp luật" in result.stdout
    dump = json.loads(cli(tmp_path, "plan", "dump", "--json").stdout)
    assert dump["plan"]["year"] == 2026


def test_chat_with_unknown_unit_is_one_line_error(tmp_path):
    result = cli(tmp_path, "chat", "--as", "khong-co")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "khong-co" in result.stderr


def test_invite_json_and_register_in_console_flow(tmp_path):
    result = cli(tmp_path, "invite", "--unit", "qltm", "--role", "head", "--json")
    assert result.returncode == 0, result.stderr
    invite = json.loads(result.stdout)
    assert set(invite) == {"code", "telegram_link", "expires_at"} and len(invite["code"]) == 6
    bad = cli(tmp_path, "invite", "--unit", "nowhere", "--role", "head")
    assert bad.returncode == 1 and "nowhere" in bad.stderr and "Traceback" not in bad.stderr


def test_the_console_warns_when_the_stored_plan_is_for_another_year(tmp_path):
    first = cli(tmp_path, "chat", stdin="/thoat\n", CCHC_TODAY="2026-03-02")  # stores the plan re-based to 2026
    assert first.returncode == 0, first.stderr
    assert "Kế hoạch đang lưu" not in first.stdout
    result = cli(tmp_path, "run", stdin="quý này có việc gì đến hạn?\n/thoat\n", CCHC_TODAY="2022-08-15")
    assert result.returncode == 0, result.stderr
    assert "Kế hoạch đang lưu là của năm 2026, còn hôm nay là 15/08/2022" in result.stdout
    assert "--year 2022" in result.stdout
