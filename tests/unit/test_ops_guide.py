"""The operations guide can be followed: its shell blocks parse, its settings exist, its commands are real
(scripts/check_ops_guide.py) — and the checker does catch each kind of slip."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("check_ops_guide", ROOT / "scripts" / "check_ops_guide.py")
assert spec is not None and spec.loader is not None
checker = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checker)


def test_the_operations_guide_has_no_faults() -> None:
    guide = ROOT / "docs" / "operations.md"
    assert checker.check(guide) == []
    languages = [language for language, _body, _line in checker.blocks(guide.read_text(encoding="utf-8"))]
    assert languages.count("bash") >= 10 and languages.count("env") >= 2 and "nginx" in languages


def test_the_checker_finds_each_kind_of_fault(tmp_path: Path) -> None:
    page = tmp_path / "guide.md"
    page.write_text(
        "```bash\nif true; then echo missing-fi\n```\n\n"
        "```env\nDATABASE_URL=sqlite:///x.db\nWEB_BASE_ULR=https://typo.example\nWEB_PORT=eighty\n```\n\n"
        "```bash\n/opt/cchc/venv/bin/cchc-bot backup --output /tmp/x.tar.gz\ncchc users promote --user 3\n"
        "cchc users list --unit qltm\n```\n",
        encoding="utf-8",
    )
    faults = "\n".join(checker.check(page))
    assert "bash -n" in faults
    assert "WEB_BASE_ULR is not a setting" in faults and "web_port" in faults
    assert "backup --output" in faults and "users promote" in faults
    assert "users list --unit qltm" not in faults
