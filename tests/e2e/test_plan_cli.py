"""`cchc-bot plan import` / `plan dump --json` as an operator runs them (docs/contracts.md §1, §2), on SQLite and
on PostgreSQL; bad input gives one line on stderr and a non-zero exit.

Most cases call the CLI's `main(argv)` in this process with its own environment, working directory and
captured stdout/stderr (a new interpreter per call cost ~2–4 s each); `test_a_real_process_*` run the
same commands as real subprocesses, so the entry point, exit codes and stderr of a process stay checked.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.cli_kit import Result, cli, process
from tests.conftest import SEED
from tests.fixtures_plans import edit_seed, line_index, write_docx, write_xlsx


def ok(result: Result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def one_line_error(result: Result, code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def check_seed_dump(dump: dict) -> None:
    assert dump["plan"]["year"] == 2022
    assert [t["number"] for t in dump["tasks"]] == list(range(1, 60))
    counts = Counter(t["section"] for t in dump["tasks"])
    assert [counts[n] for n in range(1, 8)] == [11, 5, 9, 5, 12, 6, 11]
    assert [s["roman"] for s in dump["sections"]] == ["I", "II", "III", "IV", "V", "VI", "VII"]


def import_and_dump(data_dir: Path, path: Path, *extra: str) -> dict:
    out = ok(cli(data_dir, *extra, "plan", "import", str(path)))
    assert out.startswith("Đã nhập kế hoạch năm")
    return json.loads(ok(cli(data_dir, *extra, "plan", "dump", "--json")))


@pytest.fixture(scope="module")
def seed_dump(tmp_path_factory) -> dict:
    """The seed imported and dumped through the CLI on SQLite (once: every CLI run starts the app)."""
    data = tmp_path_factory.mktemp("seed-cli")
    dump = import_and_dump(data, SEED)
    assert (data / "cchc.db").exists()  # the embedded database lives in CCHC_DATA_DIR
    return dump


def test_import_and_dump_on_sqlite(tmp_path, seed_dump):
    check_seed_dump(seed_dump)
    ok(cli(tmp_path, "plan", "import", str(SEED)))
    again = ok(cli(tmp_path, "plan", "import", str(SEED)))
    assert again.startswith("Đã cập nhật kế hoạch năm 2022: 59 nhiệm vụ, 61 dòng phân công")
    assert json.loads(ok(cli(tmp_path, "plan", "dump", "--json"))) == seed_dump


def test_import_and_dump_on_postgres(tmp_path, postgres_url, seed_dump):
    dump = import_and_dump(tmp_path, SEED, "--db", postgres_url)
    check_seed_dump(dump)
    assert not (tmp_path / "cchc.db").exists()
    assert dump == seed_dump


def test_year_option(tmp_path):
    out = ok(cli(tmp_path, "plan", "import", str(SEED), "--year", "2026"))
    assert out.startswith("Đã nhập kế hoạch năm 2026: 59 nhiệm vụ")
    rebased = json.loads(ok(cli(tmp_path, "plan", "dump", "--json")))
    assert rebased["plan"]["year"] == 2026
    assert rebased["plan"]["title"] == "Kế hoạch Cải cách hành chính của Sở Công Thương năm 2026"
    tasks = {t["number"]: t for t in rebased["tasks"]}
    assert tasks[3]["assignments"][0]["milestones"][0]["due"] == "2026-09-30"  # Quý III
    assert tasks[1]["assignments"][0]["milestones"][0]["due"] == "2025-12-31"  # Tháng 12/2021


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_word_and_excel_give_the_text_dump(tmp_path, suffix, seed_dump):
    build = write_docx if suffix == ".docx" else write_xlsx
    document = build(tmp_path / f"ke-hoach{suffix}")
    assert import_and_dump(tmp_path / "doc", document) == seed_dump


def _malformed(tmp_path: Path) -> list[tuple[Path, str]]:
    def no_lead(lines):
        i = line_index(lines, "3\tKế hoạch kiểm tra")
        lines[i] = lines[i].replace("\tVăn phòng Sở\t", "\t\t", 1)  # an unknown unit no longer stops it
        return lines

    def wrong_total(lines):
        lines[line_index(lines, "TỔNG SỐ")] = "TỔNG SỐ: 60 NHIỆM VỤ"
        return lines

    def short_row(lines):
        i = line_index(lines, "3\tKế hoạch kiểm tra")
        lines[i] = lines[i].replace("\tVăn phòng Sở\t", " Văn phòng Sở\t", 1)
        return lines

    damaged = tmp_path / "hong.docx"
    damaged.write_bytes(b"not a zip")
    return [
        (edit_seed(tmp_path, "lead.txt", no_lead), r"dòng \d+: nhiệm vụ 3: thiếu đơn vị chủ trì"),
        (edit_seed(tmp_path, "total.txt", wrong_total), "dòng 311: dòng tổng ghi 60 nhiệm vụ nhưng bảng có 59"),
        (edit_seed(tmp_path, "cols.txt", short_row), r"dòng \d+: hàng bảng có 5 cột, cần 6 cột"),
        (damaged, "không đọc được «hong.docx» như tệp Word .docx"),
    ]


def test_malformed_files_fail_with_one_line_and_change_nothing(tmp_path, seed_dump):
    import re

    data = tmp_path / "data"
    ok(cli(data, "plan", "import", str(SEED)))
    before = seed_dump
    for path, message in _malformed(tmp_path):
        line = one_line_error(cli(data, "plan", "import", str(path)))
        assert line.startswith("cchc-bot: lỗi: ")
        assert re.search(message, line), line
    assert json.loads(ok(cli(data, "plan", "dump", "--json"))) == before


def test_missing_file_and_empty_database(tmp_path):
    assert "không tìm thấy tệp" in one_line_error(cli(tmp_path, "plan", "import", str(tmp_path / "none.txt")))
    assert "chưa có kế hoạch" in one_line_error(cli(tmp_path, "plan", "dump", "--json"))


@pytest.mark.parametrize(
    "args",
    [("plan", "import", "--bogus", "x.txt"), ("plan", "dump"), ("plan",), ("--nope",), ("plan", "import")],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, args):
    assert one_line_error(cli(tmp_path, *args), code=2).startswith("cchc-bot: lỗi tham số:")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user@host/db", "chỉ hỗ trợ SQLite và PostgreSQL, không hỗ trợ «mysql»"),
        ("not a url at all", "DATABASE_URL không hợp lệ"),
        ("postgresql://nobody@127.0.0.1:1/none", "127.0.0.1"),  # nothing listens on port 1
    ],
)
def test_bad_database_url_gives_one_line(tmp_path, url, message):
    line = one_line_error(cli(tmp_path, "--db", url, "plan", "import", str(SEED)))
    assert line.startswith("cchc-bot: ") and message in line, line


def test_a_real_process_imports_and_dumps(tmp_path, seed_dump):
    out = ok(process(tmp_path, "plan", "import", str(SEED)))
    assert out.startswith("Đã nhập kế hoạch năm 2022: 59 nhiệm vụ")
    assert json.loads(ok(cli(tmp_path, "plan", "dump", "--json"))) == seed_dump  # what the process stored


def test_a_real_process_fails_with_one_line(tmp_path):
    line = one_line_error(process(tmp_path, "--db", "mysql://user@host/db", "plan", "import", str(SEED)))
    assert line.startswith("cchc-bot: ") and "mysql" in line
