"""Text normalisation shared by the importer, the unit directory and the NLU.

Vietnamese users type with and without diacritics, on phones, with emoji; the plan's own document mixes
NFC and NFD. Every comparison therefore goes through `fold`, never through raw string equality.
"""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """NFC-normalise, drop zero-width characters and collapse white space."""
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    return _SPACES.sub(" ", text).strip()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics ('đ' → 'd' too, which NFD alone does not do)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(text: str) -> str:
    """Lower-case, diacritics-free, punctuation-free form used for matching."""
    text = strip_diacritics(nfc(text)).lower()
    text = re.sub(r"[^\w%]+", " ", text)
    return _SPACES.sub(" ", text).strip()
