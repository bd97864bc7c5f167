"""The unit directory: who the department's phòng/đơn vị are and how people name them.

Loaded from `units.yaml` (a copy ships in `bot/defaults/`). Resolution is case-, diacritics- and
punctuation-insensitive, tries exact aliases first, then the longest alias contained in the phrase,
then rapidfuzz for typos — in that order, because a near miss must never beat an exact name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from domain.text import fold, nfc
from domain.yaml_text import parse_yaml

_UNIT_ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # `formerly` entries of this shape are ids, the rest names
MEMBER_KINDS = ("leadership", "internal", "affiliated", "desk")


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    # Who receives this unit's reminders when nobody of the unit does (leaders are read-only, the
    # one-stop desk has no head): (unit id, role) of the delegate, from `reminders_to` in units.yaml.
    reminders_to: tuple[str, str] | None = None
    # What the unit was called before a renaming or a merger (`formerly:` in units.yaml): earlier ids and
    # names. Its people and its history move to it (`storage.repositories.plans.sync_units`), and last
    # year's plan, which names the old unit, still resolves to it.
    formerly: tuple[str, ...] = ()

    @property
    def is_external(self) -> bool:
        return self.kind == "external"


@dataclass(frozen=True)
class Collective:
    phrase: str
    kinds: tuple[str, ...]


@dataclass
class UnitDirectory:
    department: str
    units: list[Unit]
    collectives: list[Collective] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {u.id: u for u in self.units}
        self._names: dict[str, str] = {}
        for unit in self.units:
            for name in (unit.name, *unit.aliases, unit.id, *unit.formerly):
                self._names.setdefault(fold(name), unit.id)
        self._collectives = sorted(
            ((fold(c.phrase), c) for c in self.collectives), key=lambda pair: -len(pair[0])
        )
        self._alias_by_length = sorted(self._names, key=len, reverse=True)

    # -- loading -----------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> UnitDirectory:
        data = parse_yaml(Path(path).read_text(encoding="utf-8"))
        units = [
            Unit(id=u["id"], name=nfc(u["name"]), kind=u["kind"], aliases=tuple(nfc(a) for a in u.get("aliases", [])),
                 reminders_to=_delegate(u), formerly=tuple(nfc(str(f)) for f in u.get("formerly", []) or []))
            for u in data["units"]
        ]
        collectives = [Collective(nfc(c["phrase"]), tuple(c["kinds"])) for c in data.get("collectives", [])]
        return cls(department=data.get("department", ""), units=units, collectives=collectives)

    # -- lookups -----------------------------------------------------------------------------------
    def get(self, unit_id: str) -> Unit | None:
        return self._by_id.get(unit_id)

    def name(self, unit_id: str) -> str:
        unit = self._by_id.get(unit_id)
        return unit.name if unit else unit_id

    def delegates(self) -> dict[str, tuple[str, str]]:
        """unit id → (unit id, role) of the people who receive its reminders in its place."""
        return {u.id: u.reminders_to for u in self.units if u.reminders_to}

    def renamed(self) -> dict[str, str]:
        """Former unit id → the unit that carries it on (from `formerly`), for ids no unit still has."""
        return {
            old: unit.id
            for unit in self.units
            for old in unit.formerly
            if _UNIT_ID.fullmatch(old) and old not in self._by_id and old != unit.id
        }

    def members_of_kinds(self, kinds: tuple[str, ...]) -> list[str]:
        return [u.id for u in self.units if u.kind in kinds]

    @property
    def member_units(self) -> list[Unit]:
        """Units whose people use the bot (everything but external bodies)."""
        return [u for u in self.units if u.kind in MEMBER_KINDS]

    def collective(self, phrase: str) -> tuple[Collective, str] | None:
        """The collective that `phrase` starts with (longest wins) and the folded remainder."""
        folded = fold(phrase)
        for key, collective in self._collectives:
            if folded == key or folded.startswith(key + " "):
                return collective, folded[len(key) :].strip()
        return None

    def resolve(self, phrase: str, *, fuzzy: bool = True, cutoff: float = 88.0) -> str | None:
        """The id of the unit named by `phrase` (exact alias, the alias with the plan's abbreviations
        written out — «P. QL Thương mại» — then fuzzy), or None."""
        folded = fold(phrase)
        if not folded:
            return None
        if folded in self._names:
            return self._names[folded]
        expanded = expand_abbreviations(folded)
        if expanded in self._names:
            return self._names[expanded]
        if fuzzy and len(folded) >= 4:
            match = process.extractOne(folded, list(self._names), scorer=fuzz.ratio, score_cutoff=cutoff)
            if match:
                return self._names[match[0]]
        return None

    def office_id(self) -> str | None:
        """The Văn phòng, which follows every unit's work: it holds a row whose lead unit the directory does
        not know until units.yaml names it (the import says so)."""
        for unit in self.units:
            if unit.id == "van-phong" or fold(unit.name).startswith("van phong"):
                return unit.id
        return next((u.id for u in self.units if u.kind == "internal"), None)

    def suggest(self, phrase: str, *, cutoff: float = 70.0) -> str | None:
        """The member unit whose name a phrase the directory does not know most looks like (for «có phải
        …?» at import), or None when nothing is close enough to be worth asking."""
        folded = _distinctive(expand_abbreviations(fold(phrase)))
        if not folded:
            return None
        choices: dict[str, str] = {}
        for unit in self.member_units:
            for name in (unit.name, *unit.aliases):
                key = _distinctive(expand_abbreviations(fold(name)))
                if key:
                    choices.setdefault(key, unit.id)
        match = process.extractOne(folded, list(choices), scorer=fuzz.token_set_ratio, score_cutoff=cutoff)
        return self.name(choices[match[0]]) if match else None

    def find_in_text(self, text: str, *, fuzzy: bool = True) -> str | None:
        """The unit mentioned anywhere in a free-text sentence (the longest alias wins)."""
        folded = f" {fold(text)} "
        for alias in self._alias_by_length:
            if len(alias) >= 2 and f" {alias} " in folded:
                return self._names[alias]
        if not fuzzy:
            return None
        words = folded.split()
        best: tuple[float, str] | None = None
        for alias in self._alias_by_length:
            n = len(alias.split())
            if n < 2 or len(alias) < 8:
                continue
            for i in range(len(words) - n + 1):
                window = " ".join(words[i : i + n])
                score = fuzz.ratio(window, alias)
                if score >= 90 and (best is None or score > best[0]):
                    best = (score, self._names[alias])
        return best[1] if best else None


_ABBREVIATIONS = ((re.compile(r"^p "), "phong "), (re.compile(r"^tt "), "trung tam "), (re.compile(r"\bql\b"), "quan ly"))


_GENERIC = re.compile(r"\b(?:phong|so|trung tam|don vi|ban|chi cuc|bo phan|cong chuc|quan ly|van phong)\b")


def _distinctive(folded: str) -> str:
    """The words that tell units apart («phong quan ly thuong mai» → «thuong mai»)."""
    return re.sub(r"\s+", " ", _GENERIC.sub(" ", folded)).strip()


def expand_abbreviations(folded: str) -> str:
    """«p kinh te» → «phong kinh te», «tt khuyen cong» → «trung tam khuyen cong», «ql» → «quan ly»."""
    for pattern, words in _ABBREVIATIONS:
        folded = pattern.sub(words, folded)
    return folded


def _delegate(entry: dict[str, object]) -> tuple[str, str] | None:
    value = entry.get("reminders_to")
    if not value:
        return None
    if not isinstance(value, dict) or "unit" not in value:
        raise ValueError(f"units.yaml: {entry.get('id')}: reminders_to cần dạng {{unit: ID, role: head|officer}}")
    return str(value["unit"]), str(value.get("role", "head"))
