"""One command-line grammar (docs/contracts.md §1): `--db` before or after the subcommand, periods Q1 Q2 H1 Q3 Q4 Y
in any case, years checked, every error one line naming what to fix, an unwritable output named as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import build_parser
from tests.cli_kit import cli, process
from tests.conftest import SEED


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("grammar")
    assert cli(folder, "plan", "import", str(SEED), "--year", "2026").returncode == 0
    return folder


def _one_line_error(result, *named: str) -> None:
    assert result.returncode != 0, result
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for name in named:
        assert name in result.stderr, (name, result.stderr)


def test_db_is_accepted_before_and_after_the_subcommand(tmp_path: Path, data: Path) -> None:
    url = f"sqlite:///{data / 'cchc.db'}"
    elsewhere = tmp_path / "elsewhere"
    before = cli(elsewhere, "--db", url, "plan", "dump", "--json")
    after = cli(elsewhere, "plan", "dump", "--json", "--db", url)
    assert before.returncode == after.returncode == 0 and before.stdout == after.stdout
    assert '"year": 2026' in after.stdout
    # the one after the subcommand wins over the one before
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert cli(elsewhere, "--db", other, "plan", "dump", "--json", "--db", url).stdout == before.stdout
    imported = cli(elsewhere, "plan", "import", str(SEED), "--year", "2026", "--db", other)
    assert imported.returncode == 0 and (tmp_path / "other.db").exists()


def test_every_leaf_command_takes_db() -> None:
    parser = build_parser()
    for argv in (["backup", "--out", "x.tar.gz"], ["restore", "x.tar.gz"], ["users", "list"],
                 ["reminders", "due", "--at", "2026-01-01T08:00"], ["export", "xlsx", "x.xlsx"], ["web", "serve"]):
        assert parser.parse_args([*argv, "--db", "sqlite:///x.db"]).db == "sqlite:///x.db"


@pytest.mark.parametrize("given", ["q1", "Q2", "h1", "q3", "Y", "y"])
def test_periods_in_any_case(tmp_path: Path, data: Path, given: str) -> None:
    out = tmp_path / f"{given}.xlsx"
    result = cli(data, "export", "xlsx", str(out), "--period", given)
    assert result.returncode == 0, result.stderr
    assert out.exists()


def test_q4_is_the_annual_period_and_is_said_so(tmp_path: Path, data: Path) -> None:
    q4 = cli(data, "export", "xlsx", str(tmp_path / "q4.xlsx"), "--period", "q4")
    year = cli(data, "export", "xlsx", str(tmp_path / "y.xlsx"), "--period", "Y")
    assert q4.returncode == year.returncode == 0
    assert "cả năm" in q4.stdout and "Q4 là kỳ báo cáo năm (Y)" in q4.stderr
    assert q4.stdout.split(";")[0].replace("q4.xlsx", "y.xlsx") == year.stdout.split(";")[0]
    _one_line_error(cli(data, "report", "draft", "--period", "Q5", "--out", str(tmp_path / "r.docx")),
                    "Q5", "Q4", "Y")


@pytest.mark.parametrize("year", ["20277", "27", "abc"])
def test_a_year_that_is_not_four_digits_is_refused(data: Path, year: str) -> None:
    _one_line_error(cli(data, "plan", "import", str(SEED), "--year", year), f"«{year}»", "4 chữ số")


def test_a_year_far_from_the_plan_is_refused(tmp_path: Path, data: Path) -> None:
    _one_line_error(cli(data, "plan", "import", str(SEED), "--year", "2040"), "2040", "2026", "2021–2031")
    _one_line_error(cli(data, "report", "draft", "--period", "q3", "--year", "2012", "--out",
                        str(tmp_path / "r.docx")), "2012")
    assert not (tmp_path / "r.docx").exists()


def test_an_output_that_cannot_be_written_is_named_as_given(tmp_path: Path, data: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for argv, given in ((["export", "xlsx"], "a-file/out.xlsx"), (["report", "draft", "--period", "q3", "--out"],
                                                                   "a-file/out.docx"),
                        (["backup", "--out"], "a-file/out.tar.gz")):
        path = str(tmp_path / given)
        _one_line_error(cli(data, *argv, path), path)
    _one_line_error(cli(data, "export", "xlsx", str(tmp_path / "out.csv")), "out.csv", ".xlsx")
    _one_line_error(cli(data, "export", "xlsx", str(tmp_path / "nowhere" / "x.xlsx")), "nowhere")


def test_a_real_process_gives_one_line(tmp_path: Path) -> None:
    result = process(tmp_path, "plan", "import", str(SEED), "--year", "20277")
    _one_line_error(result, "20277")
    assert result.returncode == 2


async def test_a_fourth_quarter_figure_is_said_back_as_the_annual_one(plan_app) -> None:
    from conversation.router import Router
    from presentation.targets import FOURTH_QUARTER_NOTE
    from tests.conversation_kit import registered

    head = await registered(plan_app, Router(plan_app), "h4", "van-phong")
    reply = await head.text("chỉ tiêu ký số quý 4 đạt 97%")
    assert "Đã ghi nhận chỉ tiêu **7.1**" in reply and "cả năm" in reply and FOURTH_QUARTER_NOTE in reply
    _, targets = await plan_app.targets.targets()
    target = next(t for t in targets if t.code == "7.1")
    assert [f.period for f in await plan_app.targets.history(target.id)] == ["Y"]
    plain = await head.text("chỉ tiêu ký số quý 3 đạt 98%")
    assert "Quý III" in plain and FOURTH_QUARTER_NOTE not in plain
