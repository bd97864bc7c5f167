"""Wording shown to people lives in `presentation/`: the domain and the services hand back codes, records
and outcomes, and presentation chooses the words (docs/architecture.md, «Where the words live»). A
document the services fill — the export workbook, the report, its evidence annex, the progress chart — is
rendered in presentation too, or worded through a labels object presentation hands in.

This scans `domain/` and `services/` for string literals holding Vietnamese letters, outside docstrings and
regular expressions (the arguments of a `re.…` call). What stays below presentation is input grammar: the
words the software *reads* — a plan's deadline cells, the operator's files — never words it says. Those
modules are listed here, each with its reason; nothing else may hold Vietnamese text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("domain", "services")
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]", re.IGNORECASE)
GRAMMAR = {
    # The plan's deadline cells read into milestones; a milestone keeps the plan's own words as its label
    # («Quý I», «Tháng 3», «6 tháng đầu năm», «… kể từ ngày …»), stored with the plan.
    "domain/deadline_grammar.py": "deadline grammar: the plan's words for a deadline",
    # The other half of that grammar: a periodic-report milestone is stored as «Báo cáo Quý I», a cell
    # without a deadline as «Chưa ghi thời hạn»; an import stops on a calendar without the period.
    "domain/deadlines.py": "deadline grammar: labels stored with an imported plan",
    # Folding for matching: «Đ» and «đ» are what it folds.
    "domain/text.py": "folding Vietnamese text for matching",
    # The operator's reminder policy file: a refusal quotes the file's keys in the operator's language
    # (tests/unit/test_reminders_policy.py matches those words).
    "domain/reminders/policy.py": "reader of the operator's policy file",
    # units.yaml, likewise: its one refusal quotes the file's key.
    "domain/units.py": "reader of the operator's units file",
}


def _exempt(tree: ast.AST) -> set[int]:
    """Docstrings and the patterns of `re` calls."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            exempt.add(id(body[0].value))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
            exempt.update(id(sub) for sub in ast.walk(node))
    return exempt


def vietnamese_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = _exempt(tree)
    return sorted(
        (node.lineno, node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in exempt
        and VIETNAMESE.search(node.value)
    )


def _scanned() -> dict[str, list[tuple[int, str]]]:
    found = {}
    for root in SCANNED:
        for path in sorted((ROOT / root).rglob("*.py")):
            found[path.relative_to(ROOT).as_posix()] = vietnamese_literals(path)
    return found


def test_domain_and_services_leave_the_words_to_presentation():
    wording = [
        f"{module}:{line}: {text!r}"
        for module, literals in _scanned().items() if module not in GRAMMAR
        for line, text in literals
    ]
    assert wording == [], "wording below presentation/ (move it to presentation/, return data):\n" + "\n".join(wording)


def test_the_grammar_list_names_only_modules_that_need_it():
    """A module that no longer holds Vietnamese text leaves the list, so the list stays short and true."""
    found = _scanned()
    assert [m for m in GRAMMAR if m not in found] == [], "listed but not there"
    assert [m for m in GRAMMAR if not found[m]] == [], "listed but holds no Vietnamese text any more"


def test_the_scan_sees_a_display_string_and_skips_patterns_and_docstrings(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        '"""Mô-đun."""\nimport re\n\n'
        'PATTERN = re.compile(r"(?i)tháng\\s*\\d+")\n'
        'def f():\n    """Hàm."""\n    return "Đã xong"\n',
        encoding="utf-8",
    )
    assert vietnamese_literals(source) == [(7, "Đã xong")]
