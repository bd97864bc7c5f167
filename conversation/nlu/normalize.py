"""Turning a chat message into forms the rules can match.

People type on phones: with or without diacritics, NFD from some keyboards, zero-width characters pasted
from Zalo, emoji, chat abbreviations ("ko", "dc", "nv", "q3"), Telex left-overs when the input method is
off ("nhieemj vuj") and plain typos. Every rule downstream matches against one canonical, folded form, so
this module is the only place that has to know about spelling variety.

Three forms are produced (`Normalized`):
- `original`: NFC text (zero-width removed, white space collapsed), for notes and invite codes;
- `aligned`: the same length as `original`, lower-case, diacritics stripped, punctuation blanked — an
  index into it is an index into `original`, which is how a blocked reason is cut out verbatim;
- `text`: the canonical token string every rule matches (abbreviations expanded, compound terms such
  as "thủ tục hành chính" collapsed to the plan's own abbreviation "tthc", typos corrected).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.text import nfc, strip_diacritics

# A pasted document is not a question: the head of a long message says what the user wants. Capping the
# analysed part keeps parse() fast and bounded whatever arrives.
MAX_ANALYSED_CHARS = 600

# Chat abbreviations and spellings, one folded token → its canonical expansion. Only tokens that are
# unambiguous in this domain are listed ("kh" could be "không" or "kế hoạch", so it is left alone).
ABBREVIATIONS: dict[str, str] = {
    # negation / particles
    "k": "khong", "ko": "khong", "kg": "khong", "khg": "khong", "hok": "khong", "hong": "khong",
    "hem": "khong", "hk": "khong", "khum": "khong", "khom": "khong", "kh0ng": "khong",
    "r": "roi", "rui": "roi", "roai": "roi",
    "dc": "duoc", "dk": "dang ky", "dky": "dang ky", "dangky": "dang ky", "dki": "dang ky",
    "ntn": "nhu the nao", "j": "gi", "ji": "gi", "gj": "gi",
    "chx": "chua",
    "vs": "voi", "cx": "cung", "nx": "nua", "ng": "nguoi", "bt": "biet", "bit": "biet",
    "mk": "minh", "mik": "minh", "mjk": "minh", "mh": "minh", "e": "em",
    "bn": "bao nhieu", "bnh": "bao nhieu", "bnhieu": "bao nhieu", "nhiu": "nhieu",
    "tg": "thoi gian", "tgian": "thoi gian", "trc": "truoc", "thg": "thang", "hnay": "hom nay",
    "hqua": "hom qua", "oke": "ok", "okie": "ok", "okay": "ok", "oki": "ok", "okela": "ok",
    "uh": "u", "uk": "u", "um": "u", "uhm": "u", "uki": "u",
    # work vocabulary
    "nv": "nhiem vu", "nvu": "nhiem vu", "nhiemvu": "nhiem vu", "vc": "viec", "cv": "cong viec",
    "bc": "bao cao", "bcao": "bao cao", "baocao": "bao cao", "ht": "hoan thanh", "htanh": "hoan thanh",
    "hoanthanh": "hoan thanh", "xg": "xong", "dag": "dang", "dg": "dang", "lm": "lam", "dv": "don vi",
    "ds": "danh sach", "dsach": "danh sach", "tiendo": "tien do", "chitieu": "chi tieu", "huongdan": "huong dan", "capnhat": "cap nhat",
    "cnhat": "cap nhat", "qui": "quy",
    # the plan's own abbreviations, expanded so that both spellings meet
    "dvctt": "dich vu cong truc tuyen", "dvc": "dich vu cong", "vpdt": "van phong dien tu",
    "csdl": "co so du lieu", "cntt": "cong nghe thong tin", "bcci": "buu chinh cong ich",
    "cbccvc": "can bo ccvc", "cbcc": "can bo cong chuc",
}

# Multi-word terms folded to one canonical spelling (applied after the token expansions).
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"thu tuc hanh chinh", "tthc"),
    (r"cai cach hanh chinh", "cchc"),
    (r"van ban quy pham phap luat", "vbqppl"),
    (r"cong chuc (?:va |, )?vien chuc", "ccvc"),
    (r"uy ban nhan dan", "ubnd"),
)
_PHRASE_RES = tuple((re.compile(rf"\b{p}\b"), r) for p, r in _PHRASES)

# "q3", "q.3", "Q IV", "nv17", "t10" (tháng 10 in admin shorthand), "6th" — glued number forms.
_GLUED = (
    (re.compile(r"\bq\s?([1-4])\b"), r"quy \1"),
    (re.compile(r"\bq\s?(iv|iii|ii|i)\b"), r"quy \1"),
    (re.compile(r"\b(nv|nvu|vc|viec|cv|task)(\d{1,4})\b"), r"\1 \2"),
    (re.compile(r"\bt(1[0-2]|[1-9])(?=\b|/)"), r"thang \1"),
    (re.compile(r"\b(\d{1,2})\s?th\b"), r"\1 thang"),
    (re.compile(r"\bh([12])\b"), r"h\1"),
)
_VOWEL_DOUBLES = (("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"), ("dd", "d"))
_TELEX_TONE = re.compile(r"([a-z]{2,})[sfrxj]$")
_DIGIT_SEP = re.compile(r"(?<=\d)[./-](?=\d)")


def _digit_class(token: str) -> str:
    return "#" if token.isdigit() else token


@dataclass(frozen=True)
class Normalized:
    original: str
    aligned: str
    text: str
    emoji_only: bool
    has_question_mark: bool
    corrections: int = 0  # tokens changed by typo correction: lowers the confidence of writes
    unknown_words: int = 0  # alphabetic tokens still outside the vocabulary after correction

    @property
    def tokens(self) -> list[str]:
        return self.text.split()


_ALIGNED: dict[str, str] = {}


def _align_char(ch: str) -> str:
    """One character in, exactly one out: keeps indices of `aligned` valid for `original`."""
    cached = _ALIGNED.get(ch)
    if cached is None:
        cached = _align_char_uncached(ch)
        if len(_ALIGNED) < 50000:  # bounded: arbitrary Unicode input must not grow memory forever
            _ALIGNED[ch] = cached
    return cached


def _align_char_uncached(ch: str) -> str:
    if ch.isalnum():
        base = strip_diacritics(ch).lower()
        return base if len(base) == 1 else " "
    if ch == "%":
        return ch
    return " "


def align(text: str) -> str:
    """Lower-case, diacritics-free copy of `text` of the same length; punctuation becomes spaces except
    `%` and the separators inside numbers such as 10/5 or 10.5.2022."""
    chars = [_align_char(ch) for ch in text]
    for m in _DIGIT_SEP.finditer(text):
        chars[m.start()] = "/"
    return "".join(chars)


# «mức» (a level) and «mục» (an item of the plan) both fold to «muc». Written with its diacritics, «mức N» is a
# level («mức độ N» of a public service), never an item: the folded text says «muc do» there, which the span
# grammar owns as a level (conversation/nlu/spans.py). Without diacritics «muc N» stays ambiguous.
_LEVEL_WORD = re.compile(r"\bmức\b(?!\s+(?:độ|do)\b)", re.IGNORECASE)


def mark_levels(original: str, aligned: str) -> str:
    """`aligned` (the same length as `original`) with « do» after each «mức» that `original` writes with its
    diacritics; `Normalized.aligned` itself stays aligned with the original."""
    for end in reversed([m.end() for m in _LEVEL_WORD.finditer(original)]):
        aligned = f"{aligned[:end]} do{aligned[end:]}"
    return aligned


def has_meaningful_chars(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def telex_decode(token: str) -> str:
    """'nhieemj' → 'nhiem', 'hoafn' stays (not Telex-shaped): undo what an off input method leaves."""
    out = token
    m = _TELEX_TONE.match(out)
    if m:
        out = m.group(1)
    for double, single in _VOWEL_DOUBLES:
        out = out.replace(double, single)
    # a tone key typed mid-word, e.g. "hoafn" → "hoan"
    out = re.sub(r"(?<=[aeiouy])[sfrxj](?=[nmcptgh])", "", out)
    return out


class Normalizer:
    """Produces `Normalized` forms; knows the vocabulary so it can correct typos against it.

    The vocabulary is every word the rules, the plan and the unit directory use. A token outside it is
    corrected only when a vocabulary word is one edit away (five letters or more) or one adjacent swap
    away (three letters or more): short Vietnamese syllables are too close to each other for more.
    """

    def __init__(
        self,
        vocabulary: Iterable[str],
        keywords: Iterable[str] = (),
        bigrams: Iterable[tuple[str, str]] = (),
        phrases: Iterable[tuple[str, str]] = (),
    ) -> None:
        """`bigrams`: word pairs of the domain («nhiem vu», «hoan thanh», «thang dau»). A short token one
        edit away from several words is corrected to the one that forms a known pair with a neighbour:
        «nhieh vu» is «nhiem vu», «hoan thnh» is «hoan thanh». `phrases`: the glossary's curated pairs,
        strong enough to correct a known word that pairs with neither neighbour («nhien vu»)."""
        self.keywords = frozenset(keywords)
        self.vocabulary = frozenset(w for w in vocabulary if w) | self.keywords
        self.bigrams = frozenset(bigrams)
        self.phrases = frozenset(phrases)
        by_length: dict[int, list[str]] = {}
        for word in sorted(self.vocabulary):
            if len(word) >= 2 and word.isalpha():
                by_length.setdefault(len(word), []).append(word)
        self._by_length = {n: tuple(words) for n, words in by_length.items()}
        # typo correction without context considers words of four letters or more only
        self._long_by_length = {n: words for n, words in self._by_length.items() if n >= 4}
        self._cache: dict[str, str] = {}
        self._near_cache: dict[str, tuple[str, ...]] = {}

    def near(self, token: str) -> tuple[str, ...]:
        """Vocabulary words one edit (or one adjacent swap) away from `token`."""
        cached = self._near_cache.get(token)
        if cached is None:
            n = len(token)
            cached = tuple(
                word
                for length in (n - 1, n, n + 1)
                if length >= 2
                for word, _, _ in process.extract(
                    token, self._by_length.get(length, ()), scorer=OSA.distance, score_cutoff=1, limit=12
                )
            )
            if len(self._near_cache) < 20000:
                self._near_cache[token] = cached
        return cached

    def in_context(self, tokens: list[str]) -> list[str]:
        """Second pass: an unknown token of three letters or more becomes the one near word that forms a
        known pair with the word before or after it."""
        if not self.bigrams:
            return tokens
        out = list(tokens)
        for i, token in enumerate(out):
            if not token.isalpha() or len(token) < 3:
                continue
            before = _digit_class(out[i - 1]) if i > 0 else None
            after = _digit_class(out[i + 1]) if i + 1 < len(out) else None

            def pairs(word: str, table: frozenset[tuple[str, str]], before: str | None = before,
                      after: str | None = after) -> bool:
                return (before, word) in table or (word, after) in table

            known = token in self.vocabulary
            # a known word stays unless it pairs with neither neighbour while a near word forms one of the
            # glossary's phrases («nhien vu» → «nhiem vu»); only words of four letters or more
            if known and (len(token) < 4 or pairs(token, self.bigrams)):
                continue
            fits = [w for w in self.near(token) if pairs(w, self.phrases if known else self.bigrams)]
            if len(set(fits)) == 1:
                out[i] = fits[0]
        return out

    def correct(self, token: str) -> str:
        if token in self.vocabulary or not token.isalpha() or len(token) < 3:
            return token
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        fixed = self._correct(token)
        if len(self._cache) < 20000:
            self._cache[token] = fixed
        return fixed

    def _correct(self, token: str) -> str:
        candidates: list[str] = []
        by_length = self._long_by_length
        decoded = telex_decode(token)
        if decoded != token and decoded in self.vocabulary:
            candidates.append(decoded)
        for i in range(len(token) - 1):  # adjacent swap: "hna" → "han", "veic" → "viec"
            swapped = token[:i] + token[i + 1] + token[i] + token[i + 2 :]
            if swapped in self.vocabulary:
                candidates.append(swapped)
        if not candidates and len(token) >= 5:
            close = [
                word
                for n in (len(token) - 1, len(token), len(token) + 1)
                for word, _, _ in process.extract(
                    token, by_length.get(n, ()), scorer=OSA.distance, score_cutoff=1, limit=2
                )
            ]
            if len(close) == 1:  # two equally close words: do not guess
                candidates.append(close[0])
        for candidate in candidates:  # the words the rules look for win over ordinary words
            if candidate in self.keywords:
                return candidate
        return candidates[0] if candidates else token

    def normalize(self, raw: str) -> Normalized:
        original = nfc(raw or "")
        head = original[:MAX_ANALYSED_CHARS]
        aligned = align(head)
        text = canonical(mark_levels(head, aligned))
        raw_tokens = text.split()
        tokens = self.in_context([self.correct(t) for t in raw_tokens])
        text = " ".join(tokens)
        text = _apply_phrases(text)
        return Normalized(
            original=original,
            aligned=aligned,
            text=text,
            emoji_only=bool(original) and not has_meaningful_chars(original),
            has_question_mark="?" in head,
            corrections=sum(a != b for a, b in zip(raw_tokens, tokens, strict=True)),
            unknown_words=sum(1 for t in tokens if t.isalpha() and t not in self.vocabulary),
        )




def _apply_phrases(text: str) -> str:
    for pattern, repl in _PHRASE_RES:
        text = pattern.sub(repl, text)
    return text


def canonical(aligned: str) -> str:
    """Token-level canonical form without typo correction (also used to fold the plan's own texts)."""
    text = " ".join(aligned.split())
    for pattern, repl in _GLUED:
        text = pattern.sub(repl, text)
    tokens = []
    for tok in text.split():
        tokens.append(ABBREVIATIONS.get(tok, tok))
    return _apply_phrases(" ".join(tokens))


@lru_cache(maxsize=16384)
def fold_canonical(text: str) -> str:
    """Fold any text (a task title, a unit alias) exactly the way messages are folded, minus typo fixes.

    Remembered: building the NLU for a plan folds the same titles, products, aliases and cue words every
    time (half of a ~60 ms build; a process that re-imports its plan, or a test suite building an app per
    test, rebuilds it often). The folding is a pure function of the text."""
    return canonical(align(nfc(text)))
