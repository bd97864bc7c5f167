"""Measuring the NLU on a labelled corpus: `cchc-bot nlu --eval FILE` (docs/contracts.md §3).

A corpus is either a file of *families* (YAML: one family = one way of asking, its variants crossed with
fill rows, see tests/data/nlu_families_dev.yaml) or JSON lines `{"text", "today", "expect"}` like the
shared dev set. Every case is scored on two things:

- intent accuracy: the intent is right;
- slot-exact accuracy: all nine contract keys are right (intent included), so a right intent with a wrong
  task number or period counts as a failure.

With `noise_seed` every text first goes through `noise.phone_noise`, reproducibly. The figures are given by
intent (the expected one) and by slot (over the cases whose intent was right), so a regression shows where.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from conversation.nlu.noise import phone_noise
from conversation.nlu.result import CONTRACT_KEYS, NluResult
from domain.yaml_text import parse_yaml


class Parser(Protocol):
    def parse(self, text: str, today: dt.date) -> NluResult: ...


@dataclass(frozen=True)
class Case:
    family: str
    text: str
    today: dt.date
    expect: dict[str, Any]


@dataclass
class Tally:
    total: int = 0
    right: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Report:
    intent: Tally = field(default_factory=Tally)
    exact: Tally = field(default_factory=Tally)
    by_intent: dict[str, tuple[Tally, Tally]] = field(default_factory=dict)
    by_slot: dict[str, Tally] = field(default_factory=dict)
    failures: list[tuple[Case, str, dict[str, Any]]] = field(default_factory=list)


# -- loading --------------------------------------------------------------------------------------------
def _fill(value: Any, row: Mapping[str, Any]) -> Any:
    """Put a fill row's values into an expected value; "{n}" alone keeps the value's own type."""
    if isinstance(value, str):
        for key, item in row.items():
            if value == "{" + key + "}":
                return item
        return value.format(**row) if "{" in value else value
    if isinstance(value, dict):
        return {k: _fill(v, row) for k, v in value.items()}
    return value


def _rows(family: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [dict(r) for r in family.get("fill") or [{}]]
    ranges = family.get("range") or {}
    for name, (low, high) in ranges.items():
        rows = [{**row, name: n} for row, n in itertools.product(rows, range(int(low), int(high) + 1))]
    return rows


def _expected(expect: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(CONTRACT_KEYS)
    out.update(expect)
    return out


def family_cases(families: Iterable[Mapping[str, Any]]) -> list[Case]:
    cases: list[Case] = []
    for family in families:
        today = family["today"]
        today = today if isinstance(today, dt.date) else dt.date.fromisoformat(str(today))
        for row in _rows(family):
            expect = _expected(_fill(dict(family["expect"]), row))
            for variant in family["variants"]:
                cases.append(Case(str(family["family"]), str(variant).format(**row), today, expect))
    return cases


def load_cases(path: str | Path) -> list[Case]:
    """Cases of a family file (.yaml/.yml) or of a JSON-lines file like the shared dev set."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return family_cases(parse_yaml(text) or [])
    cases = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            item = json.loads(line)
            cases.append(Case(f"line-{number}", item["text"], dt.date.fromisoformat(item["today"]),
                              _expected(item["expect"])))
    return cases


# -- scoring --------------------------------------------------------------------------------------------
def evaluate(parser: Parser, cases: Iterable[Case], *, noise_seed: int | None = None) -> Report:
    report = Report()
    for case in cases:
        text = phone_noise(case.text, noise_seed) if noise_seed is not None else case.text
        got = parser.parse(text, case.today).to_contract()
        want = case.expect
        intent_ok = got["intent"] == want["intent"]
        exact_ok = all(got[key] == want[key] for key in CONTRACT_KEYS)
        report.intent.add(intent_ok)
        report.exact.add(exact_ok)
        by_intent = report.by_intent.setdefault(str(want["intent"]), (Tally(), Tally()))
        by_intent[0].add(intent_ok)
        by_intent[1].add(exact_ok)
        if intent_ok:
            for key in CONTRACT_KEYS[1:]:
                if want[key] is not None or got[key] is not None:
                    report.by_slot.setdefault(key, Tally()).add(got[key] == want[key])
        if not exact_ok:
            report.failures.append((case, text, got))
    return report


def format_report(report: Report, *, failures: int = 0) -> str:
    """The printed table of `cchc-bot nlu --eval` (and up to `failures` failed cases)."""
    lines = [
        f"cases {report.intent.total}  intent {report.intent.share:.1%}  slot-exact {report.exact.share:.1%}",
        "",
        f"{'intent':<20}{'cases':>7}{'intent':>9}{'exact':>9}",
    ]
    for name in sorted(report.by_intent):
        intent, exact = report.by_intent[name]
        lines.append(f"{name:<20}{intent.total:>7}{intent.share:>9.1%}{exact.share:>9.1%}")
    lines += ["", f"{'slot':<20}{'cases':>7}{'right':>9}"]
    for name in CONTRACT_KEYS[1:]:
        if name in report.by_slot:
            tally = report.by_slot[name]
            lines.append(f"{name:<20}{tally.total:>7}{tally.share:>9.1%}")
    for case, text, got in report.failures[:failures]:
        wrong = {k: got[k] for k in CONTRACT_KEYS if got[k] != case.expect[k]}
        want = {k: case.expect[k] for k in wrong}
        lines.append(f"- [{case.family}] {text!r}: got {wrong} want {want}")
    return "\n".join(lines)


__all__ = ["Case", "Report", "evaluate", "family_cases", "format_report", "load_cases"]
