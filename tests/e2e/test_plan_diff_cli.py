"""`cchc-bot plan diff`: two years side by side in one database, what the operator reads and the JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_kit import cli
from tests.conftest import SEED

RENUMBERED = Path(__file__).resolve().parents[1] / "data" / "ke-hoach-cchc-2023-renumbered.txt"


def test_diff_of_the_renumbered_plan(tmp_path):
    assert cli(tmp_path, "plan", "import", str(SEED)).returncode == 0
    assert cli(tmp_path, "plan", "import", str(RENUMBERED)).returncode == 0
    text = cli(tmp_path, "plan", "diff", "--from", "2022", "--to", "2023")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Kế hoạch 2023 so với 2022: 1 nhiệm vụ mới, 0 nhiệm vụ bỏ")
    assert "59 nhiệm vụ đổi số thứ tự" in text.stdout
    data = json.loads(cli(tmp_path, "plan", "diff", "--from", "2022", "--to", "2023", "--json").stdout)
    assert [t["number"] for t in data["added"]] == [1]
    assert data["removed"] == [] and data["changed"] == []
    assert {"from_number": 17, "to_number": 18} in data["renumbered"]


def test_diff_with_a_missing_year_is_one_line(tmp_path):
    assert cli(tmp_path, "plan", "import", str(SEED)).returncode == 0
    result = cli(tmp_path, "plan", "diff", "--from", "2021", "--to", "2022")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "năm 2021" in result.stderr
