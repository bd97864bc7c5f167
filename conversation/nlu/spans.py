"""Span ownership: every character of a message belongs to at most one slot (docs/contracts.md §3).

Before the task number, the unit and the task description are read, a small scored grammar claims the
phrases that must not be read as anything else: percentages, dates and periods, levels («mức độ 3»,
«cấp độ 2», «mức 4» next to a public-service word) and the names of information systems («VPĐT», «hệ
thống một cửa điện tử»). Candidates overlap; the grammar keeps the best-scored ones that do not, so
«dvc mức 4 nv 55 đạt 60%» owns «mức 4» as a level, «60%» as a percent and leaves «nv 55» to the task
reference, and «văn phòng điện tử» can never be the unit «Văn phòng».

The names come from the bundled glossary (`data/glossary.yaml`) and the unit directory, not from code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from conversation.nlu.normalize import fold_canonical
from domain.yaml_text import parse_yaml

Span = tuple[int, int]
GLOSSARY_FILE = Path(__file__).with_name("data") / "glossary.yaml"

# Scores of the candidate kinds: a written percent or date is the surest reading, a system's name is
# surer than the unit word inside it, a bare «mức N» is a level only in a public-service context.
SCORES: dict[str, float] = {"percent": 4.0, "level": 3.0, "period": 2.5, "system": 2.0, "bare_level": 1.5}


@dataclass(frozen=True)
class Glossary:
    unit_aliases: Mapping[str, tuple[str, ...]]
    systems: Mapping[str, str]  # folded alias → the system's name
    level_markers: tuple[str, ...]
    bare_levels: tuple[str, ...]
    level_context: tuple[str, ...]
    phrases: tuple[str, ...] = ()  # common word pairs of the domain (typo correction in context)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Glossary:
        systems: dict[str, str] = {}
        for system in data.get("systems") or []:
            for alias in (system["name"], *system.get("aliases", ())):
                systems.setdefault(fold_canonical(alias), str(system["name"]))
        levels = data.get("levels") or {}
        return cls(
            unit_aliases={str(k): tuple(fold_canonical(a) for a in v) for k, v in (data.get("unit_aliases") or {}).items()},
            systems=systems,
            level_markers=tuple(fold_canonical(m) for m in levels.get("markers", ())),
            bare_levels=tuple(fold_canonical(m) for m in levels.get("bare", ())),
            level_context=tuple(fold_canonical(m) for m in levels.get("context", ())),
            phrases=tuple(fold_canonical(p) for p in data.get("phrases") or ()),
        )


@lru_cache(maxsize=4)
def load_glossary(path: str | None = None) -> Glossary:
    """The glossary file (the bundled one by default); read once per process."""
    text = Path(path or GLOSSARY_FILE).read_text(encoding="utf-8")
    return Glossary.from_data(parse_yaml(text) or {})


@dataclass(frozen=True)
class Claim:
    kind: str  # percent | period | level | bare_level | system
    span: Span
    value: str

    @property
    def score(self) -> float:
        return SCORES[self.kind]


def _alternation(phrases: Iterable[str]) -> str:
    return "|".join(re.escape(p) for p in sorted({p for p in phrases if p}, key=len, reverse=True))


class SpanGrammar:
    """Finds the candidate claims of a folded message and keeps the best non-overlapping ones."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._systems = re.compile(rf"\b(?:{_alternation(glossary.systems)})\b") if glossary.systems else None
        number = r"[1-4](?:(?:\s*(?:va|/|-|hoac)\s*|\s+)(?:(?:{m})\s+)?[1-4])*"
        markers = _alternation(glossary.level_markers)
        bare = _alternation(glossary.bare_levels)
        self._level = re.compile(rf"\b(?:{markers})\s+{number.format(m=markers + '|' + bare)}\b") if markers else None
        self._bare = re.compile(rf"\b(?:{bare})\s+{number.format(m=bare)}\b(?!\s*%)") if bare else None
        self._context = re.compile(rf"\b(?:{_alternation(glossary.level_context)})\b") if glossary.level_context else None

    def candidates(self, s: str) -> list[Claim]:
        found: list[Claim] = []
        if self._systems is not None:
            found += [Claim("system", m.span(), self.glossary.systems[m.group(0)]) for m in self._systems.finditer(s)]
        if self._level is not None:
            found += [Claim("level", m.span(), m.group(0)) for m in self._level.finditer(s)]
        if self._bare is not None and self._context is not None and self._context.search(s):
            found += [Claim("bare_level", m.span(), m.group(0)) for m in self._bare.finditer(s)]
        return found

    def resolve(self, s: str, percents: Sequence[Span] = (), periods: Sequence[Span] = ()) -> list[Claim]:
        """The owned spans: best score first, then the longer phrase; a candidate overlapping a kept one
        is dropped."""
        pool = self.candidates(s)
        pool += [Claim("percent", sp, s[sp[0]:sp[1]]) for sp in percents]
        pool += [Claim("period", sp, s[sp[0]:sp[1]]) for sp in periods]
        kept: list[Claim] = []
        for claim in sorted(pool, key=lambda c: (-c.score, -(c.span[1] - c.span[0]), c.span[0])):
            if all(claim.span[1] <= k.span[0] or claim.span[0] >= k.span[1] for k in kept):
                kept.append(claim)
        return sorted(kept, key=lambda c: c.span)


def spans_of(claims: Iterable[Claim], *kinds: str) -> list[Span]:
    return [c.span for c in claims if not kinds or c.kind in kinds]


__all__ = ["Claim", "Glossary", "SpanGrammar", "load_glossary", "spans_of"]
