"""Phone-typing noise for evaluating the NLU (docs/contracts.md §3, "Corpus and protocol").

Unit heads type on phones: often without diacritics, with teen code («ko», «dc», «j», «r»), unit
abbreviations («vp», «p.»), a letter dropped, doubled or hit on the neighbouring key, sometimes in
capitals, wrapped in polite particles («dạ», «ạ», «với ạ»). `phone_noise` applies a few of these to one
utterance, reproducibly: the random choices are seeded by the text and a seed, so a corpus gives the same
noisy copy on every machine and every run — an evaluation figure can be compared with the last one.

Numbers and invite-code-shaped tokens are never damaged: the noise models a hurried typist, not one who
types the wrong task number (that cannot be recovered by anyone).
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable

from domain.text import strip_diacritics

# QWERTY neighbours of each letter (the phone keyboards of the users are QWERTY with Telex/VNI on top)
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
ADJACENT: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _i, _ch in enumerate(_row):
        near = [_row[j] for j in (_i - 1, _i + 1) if 0 <= j < len(_row)]
        # the rows are staggered: the row above touches columns i and i+1, the row below i-1 and i
        for _other, _cols in ((_r - 1, (_i, _i + 1)), (_r + 1, (_i - 1, _i))):
            if 0 <= _other < len(_ROWS):
                near += [_ROWS[_other][j] for j in _cols if 0 <= j < len(_ROWS[_other])]
        ADJACENT[_ch] = "".join(near)

# whole words typed in teen code / chat shorthand (matched without diacritics, case-insensitively)
TEEN_CODE: dict[str, tuple[str, ...]] = {
    "không": ("ko", "k", "hok", "khong"),
    "được": ("dc", "đc"),
    "gì": ("j", "gi"),
    "rồi": ("r", "roi", "rùi"),
    "vậy": ("v", "z", "vay"),
    "nhiệm vụ": ("nv", "nvu"),
    "báo cáo": ("bc", "bcao"),
    "hoàn thành": ("ht", "hoan thanh"),
    "bao nhiêu": ("bn", "bnhieu"),
    "thế nào": ("ntn", "the nao"),
    "chưa": ("chx", "chua"),
    "với": ("vs", "voi"),
    "tháng": ("thg",),
    "quý": ("qui",),
}
UNIT_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "văn phòng sở": ("vp sở", "vps", "VP"),
    "văn phòng": ("vp", "VP"),
    "thanh tra": ("ttr", "TTr"),
    "trung tâm": ("tt", "TT"),
}
# «phòng QLTM» → «p.QLTM», but never the «phòng» of «văn phòng»
_ROOM = re.compile(r"(?<!văn )(?<!van )(?<!\w)phòng (?=\w)", re.IGNORECASE)
# particles that keep the sentence's kind: no «cho em hỏi» before a statement, no «?» after one
POLITE_PREFIXES = ("dạ ", "anh ơi ", "bot ơi ", "ad ơi ", "")
POLITE_SUFFIXES = (" ạ", " nhé", " với ạ", " nha", " ạ.", "")
# prefixes that change the meaning of a short reply («dạ» is itself a yes): only suffixes for those
_SHORT_REPLY_WORDS = 3
_PROTECTED = re.compile(r"^(?:\d+[%/.,:]?\d*%?|[A-Z0-9]{6,10}|\W+)$")


def _seeded(text: str, seed: int) -> random.Random:
    return random.Random(zlib.crc32(text.encode("utf-8")) ^ (seed * 2654435761 & 0xFFFFFFFF))


def _typo(word: str, rng: random.Random) -> str:
    """One dropped, doubled or neighbouring-key letter inside a word of five letters or more."""
    positions = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(positions) < 5:
        return word
    i = rng.choice(positions[1:])  # the first letter is the one people get right
    kind = rng.choice(("drop", "double", "adjacent"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    base = strip_diacritics(word[i]).lower()
    near = ADJACENT.get(base)
    if not near:
        return word
    return word[:i] + rng.choice(near) + word[i + 1 :]


def _replace_phrases(text: str, table: dict[str, tuple[str, ...]], rng: random.Random, share: float) -> str:
    for phrase, options in table.items():
        pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)" if phrase.strip() == phrase else re.escape(phrase),
                             re.IGNORECASE)
        text = pattern.sub(_chooser(options, rng, share), text)
    return text


def _chooser(options: tuple[str, ...], rng: random.Random, share: float) -> Callable[[re.Match[str]], str]:
    def choose(m: re.Match[str]) -> str:
        return rng.choice(options) if rng.random() < share else m.group(0)

    return choose


def phone_noise(text: str, seed: int = 0) -> str:
    """A noisy phone-typed copy of `text` (the same copy for the same text and seed)."""
    rng = _seeded(text, seed)
    out = text
    if rng.random() < 0.6:
        out = _replace_phrases(out, TEEN_CODE, rng, 0.7)
    if rng.random() < 0.5:
        out = _replace_phrases(out, UNIT_ABBREVIATIONS, rng, 0.7)
        out = _ROOM.sub(lambda m: rng.choice(("p.", "p ", m.group(0))), out)
    words = out.split(" ")
    candidates = [i for i, w in enumerate(words) if not _PROTECTED.match(w) and sum(c.isalpha() for c in w) >= 5]
    if candidates and rng.random() < 0.7:
        i = rng.choice(candidates)
        words[i] = _typo(words[i], rng)
    out = " ".join(words)
    if rng.random() < 0.5:
        out = strip_diacritics(out)
    if rng.random() < 0.1:
        out = " ".join(w if _PROTECTED.match(w) else w.upper() for w in out.split(" "))
    if rng.random() < 0.4:
        short = len(text.split()) <= _SHORT_REPLY_WORDS
        prefix = "" if short else rng.choice(POLITE_PREFIXES)
        out = prefix + out + rng.choice(POLITE_SUFFIXES)
    return out


__all__ = ["ADJACENT", "phone_noise"]
