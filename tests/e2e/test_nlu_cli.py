"""`cchc-bot nlu --today D` as an operator runs it: on an empty data directory (the task index then comes
from the bundled seed plan), JSON lines in, exactly the contract's keys out. The first test runs a real
subprocess; the others call the CLI in-process (tests/cli_kit.py)."""

from __future__ import annotations

import json
from pathlib import Path

from conversation.nlu import CONTRACT_KEYS
from tests.cli_kit import Result, cli, process


def run_nlu(tmp_path: Path, stdin: str, today: str = "2022-08-15", *, run=cli) -> Result:
    return run(tmp_path, "nlu", "--today", today, stdin=stdin)


def null_row(intent: str, **slots) -> dict:
    row = dict.fromkeys(CONTRACT_KEYS)
    row.update(intent=intent, **slots)
    return row


def test_cli_answers_each_line_with_the_contract_keys(tmp_path):
    lines = [
        {"text": "Quý này có việc gì đến hạn?"},
        {"text": "nv 17 dang lam duoc 60%"},
        {"text": "việc kê khai tài sản ai chủ trì"},  # by description: needs the seed plan's index
        {"text": "mã đăng ký của tôi là K7Q2XP"},
        {"text": "khi nào nộp báo cáo CCHC quý 3?", "today": "ignored"},
        {"text": "😀😀"},
    ]
    proc = run_nlu(tmp_path, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), run=process)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [tuple(row) for row in out] == [CONTRACT_KEYS] * len(lines)
    assert out == [
        null_row("list_tasks", period={"from": "2022-07-01", "to": "2022-09-30"}),
        null_row("update_status", task=17, status="in_progress", percent=60),
        null_row("task_info", task=42),
        null_row("register", code="K7Q2XP"),
        null_row("report_schedule", report="Q3"),
        null_row("unknown"),
    ]


def test_cli_today_drives_periods(tmp_path):
    proc = run_nlu(tmp_path, '{"text": "quý sau có việc gì"}\n', today="2022-12-20")
    assert json.loads(proc.stdout) == null_row("list_tasks", period={"from": "2023-01-01", "to": "2023-03-31"})


def test_cli_skips_malformed_lines_and_says_so(tmp_path):
    stdin = '{"text": "xin chào"}\nnot json\n\n{"text": 5}\n["text"]\n{"text": "hướng dẫn"}\n'
    proc = run_nlu(tmp_path, stdin)
    assert proc.returncode == 1
    assert [json.loads(line)["intent"] for line in proc.stdout.splitlines()] == ["greeting", "help"]
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 3 and all(e.startswith("cchc-bot nlu: dòng ") for e in errors)
    assert "Traceback" not in proc.stderr


def test_cli_rejects_a_bad_date_in_one_line(tmp_path):
    proc = run_nlu(tmp_path, "", today="15/08/2022")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_eval_prints_accuracy_by_intent_and_slot(tmp_path):
    corpus = tmp_path / "corpus.yaml"
    corpus.write_text(
        "- family: f\n  today: 2022-08-15\n  expect: {intent: task_info, task: \"{n}\"}\n"
        "  fill: [{n: 17}, {n: 42}]\n  variants: [\"nv {n} hạn khi nào\", \"nhiệm vụ {n} là gì\"]\n",
        encoding="utf-8",
    )
    result = cli(tmp_path, "nlu", "--eval", str(corpus), "--noise", "1", stdin="")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("cases 4  intent ")
    assert any(line.startswith("task_info") for line in lines)
    assert any(line.startswith("task ") for line in lines)


def test_cli_needs_today_without_eval(tmp_path):
    result = cli(tmp_path, "nlu", stdin="")
    assert result.returncode == 2 and "--today" in result.stderr
