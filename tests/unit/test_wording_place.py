"""Chat wording lives in `presentation/`: the messenger channels and the handlers decide what to say and
take the words from there, so a newcomer changes a text in one place and a reviewer reads them all
together. This scans their source for Vietnamese string literals outside docstrings, logs and errors
meant for the operator."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot/channels", "handlers")
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]", re.IGNORECASE)
OPERATOR_CALLS = {"debug", "info", "warning", "error", "exception", "critical", "print"}
# Not chat replies: the audit note a button press leaves in the history, and the operator's start-up
# diagnosis of a refused Zalo webhook (stderr and /healthz).
ALLOWED = {
    ("handlers/update_status.py", "[nút] "),
    ("bot/channels/zalo/__init__.py", "Zalo setWebhook thất bại ("),
    ("bot/channels/zalo/__init__.py", "lỗi mạng"),
    ("bot/channels/zalo/__init__.py", "không rõ lý do"),
}


def wording(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            exempt.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in OPERATOR_CALLS or called.endswith("Error") or called == "compile":
                exempt.update(id(sub) for sub in ast.walk(node))
    return [
        (node.lineno, node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in exempt
        and VIETNAMESE.search(node.value) and "\\" not in node.value and "(?" not in node.value
    ]


def test_channels_and_handlers_take_their_words_from_presentation():
    found = []
    for root in SCANNED:
        for path in sorted((ROOT / root).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            found += [f"{relative}:{line}: {text!r}" for line, text in wording(path) if (relative, text) not in ALLOWED]
    assert found == [], "chat wording outside presentation/:\n" + "\n".join(found)
