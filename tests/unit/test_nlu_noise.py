"""The phone-typing noise generator: reproducible, and never damaging what nobody could recover."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conversation.nlu.noise import ADJACENT, phone_noise
from domain.text import strip_diacritics

SENTENCES = [
    "Phòng QLTM còn việc gì chưa xong", "nv 17 đã làm được 60%", "văn phòng sở có việc nào quá hạn không",
    "mã mời của em là AB23CD", "báo cáo quý 3 nộp hạn nào", "nhiệm vụ 42 hoàn thành rồi",
]


def test_same_text_and_seed_give_the_same_noise():
    for text in SENTENCES:
        assert phone_noise(text, 7) == phone_noise(text, 7)


def test_seeds_give_different_copies():
    copies = {phone_noise(text, seed) for text in SENTENCES for seed in range(20)}
    assert len(copies) > 3 * len(SENTENCES)


def test_every_kind_of_noise_occurs_over_a_corpus():
    noisy = [phone_noise(text, seed) for text in SENTENCES for seed in range(60)]
    assert any(n == strip_diacritics(n) and n.lower() != n.upper() for n in noisy)  # no diacritics
    assert any(re.search(r"\b(?:ko|k|dc|đc|j|r|nv|bc)\b", n) for n in noisy)  # teen code
    assert any(re.search(r"\b(?:vp|vps|VP|p\.)", n) for n in noisy)  # unit abbreviations
    assert any(n.isupper() for n in noisy if any(c.isalpha() for c in n))  # ALL CAPS
    assert any(n.startswith(("dạ ", "anh ơi ", "bot ơi ", "ad ơi ")) or n.endswith((" ạ", " nhé", " nha"))
               for n in noisy)  # polite particles


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(SENTENCES))
def test_numbers_and_codes_survive(seed, text):
    noisy = phone_noise(text, seed)
    assert re.findall(r"\d+", noisy) == re.findall(r"\d+", text)
    if "AB23CD" in text:
        assert "AB23CD" in noisy


def test_adjacent_keys_are_neighbours_on_a_qwerty_keyboard():
    assert set(ADJACENT["g"]) == set("fhtybv")
    assert "q" not in ADJACENT["p"]
