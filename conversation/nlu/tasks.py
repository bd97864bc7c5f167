"""Finding a task by what it is about ("việc kê khai tài sản", "ISO 9001 thì sao").

Users do not remember task numbers; they name a task by a few words of its title or product. The plan has
~60 short titles, so a small BM25 over folded unigrams and bigrams (Vietnamese words are mostly two
syllables: "kê khai", "tài sản", "ký số") ranks them well, with no model and in microseconds.

The score returned by `best` is not BM25 but a *coverage* in [0, 1]: the share of the query's
information (IDF mass) that the best task contains, damped when the runner-up is nearly as good.
That is what callers need to decide "is this really about a task, and which one" — a message about the
weather covers nothing and scores 0, whatever BM25 would say.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from conversation.nlu.normalize import fold_canonical

# Function words and question/intent words: they say what the user wants, not which task.
QUERY_NOISE = re.compile(
    r"\b(?:nhiem vu|cong viec|viec|la gi|the nao|ra sao|nhu the nao|khi nao|bao gio|bao nhieu|"
    r"ngay nao|ngay may|thoi han|han chot|han|chu tri|phu trach|ai lam|do ai|ai|thong tin|chi tiet|"
    r"cap nhat|da|dang|roi|nhe|nha|a|oi|ha|vay|thi sao|sao|nao|gi|cua|cho|ve|voi|va|cac|nhung|"
    r"khong|chua|xong|hoan thanh|lam|duoc|toi|em|anh|la|phai|"
    r"biet|muon|giup|vui long|lam on|thuc hien|trien khai|tien do|tinh hinh|"
    r"xin|cam on|ok|nay|kia|ay|tat ca|toan bo|danh sach|liet ke|co the|ban oi|ban co|ban la|toi la|em la|"
    r"minh la|cho toi|cho em|cho minh|giup)\b"
)
_DOC_STOPWORDS_TEXT = (
    "va cua cac cho ve voi theo tai trong tren duoi den tu la co duoc nhung mot hoac doi de khi da "
    "so cong thuong nam 2022 2021 2023 thuc hien"
)
DOC_STOPWORDS = frozenset(_DOC_STOPWORDS_TEXT.split())
K1 = 1.2
B = 0.6
TITLE_WEIGHT = 2.0
BIGRAM_WEIGHT = 1.5
# A query must carry at least this much IDF mass (about two distinctive words) before it can fully
# "cover" a task: one common word such as "quý" matching somewhere is not a reference to a task.
MIN_QUERY_MASS = 4.5


def _terms(tokens: list[str]) -> list[str]:
    unigrams = [t for t in tokens if t not in DOC_STOPWORDS and (len(t) > 1 or t.isdigit())]
    bigrams = [
        f"{a}_{b}" for a, b in pairwise(tokens) if a not in DOC_STOPWORDS or b not in DOC_STOPWORDS
    ]
    return unigrams + bigrams


@dataclass
class TaskIndex:
    """BM25 over each task's title (weighted ×2) and products; built once per plan."""

    numbers: list[int]
    titles: dict[int, str]
    _postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict, repr=False)
    _idf: dict[str, float] = field(default_factory=dict, repr=False)
    _lengths: dict[int, float] = field(default_factory=dict, repr=False)
    vocabulary: frozenset[str] = frozenset()
    max_number: int = 0
    # Section number → title, when the plan source has them: lets target questions use the plan's wording.
    section_titles: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_tasks(
        cls, tasks: Iterable[tuple[int, str, list[str]]], sections: dict[int, str] | None = None
    ) -> TaskIndex:
        """(number, title, products) per task — the shape every plan source can give."""
        docs: dict[int, dict[str, float]] = {}
        titles: dict[int, str] = {}
        vocabulary: set[str] = set()
        for number, title, products in tasks:
            title_tokens = fold_canonical(title).split()
            weights: dict[str, float] = {}
            for term in _terms(title_tokens):
                weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT * (BIGRAM_WEIGHT if "_" in term else 1.0)
            for product in products:
                product_tokens = fold_canonical(product).split()
                vocabulary.update(product_tokens)
                for term in _terms(product_tokens):
                    weights[term] = weights.get(term, 0.0) + (BIGRAM_WEIGHT if "_" in term else 1.0)
            vocabulary.update(title_tokens)
            merged = docs.setdefault(number, {})  # a task may come in several rows
            for term, weight in weights.items():
                merged[term] = merged.get(term, 0.0) + weight
            titles[number] = title
        index = cls(numbers=sorted(docs), titles=titles, section_titles=dict(sections or {}))
        index.vocabulary = frozenset(w for w in vocabulary if w.isalpha())
        index.max_number = max(docs, default=0)
        n = len(docs) or 1
        df: Counter[str] = Counter()
        for weights in docs.values():
            df.update(weights.keys())
        index._idf = {term: math.log(1 + (n - d + 0.5) / (d + 0.5)) for term, d in df.items()}
        index._lengths = {num: sum(w.values()) for num, w in docs.items()}
        for num, weights in docs.items():
            for term, weight in weights.items():
                index._postings.setdefault(term, []).append((num, weight))
        return index

    @property
    def _max_idf(self) -> float:
        return math.log(1 + (len(self.numbers) + 0.5) / 0.5) if self.numbers else 1.0

    def query_terms(self, text: str) -> list[str]:
        folded = QUERY_NOISE.sub(" ", fold_canonical(text))
        folded = re.sub(r"\b\d{1,2}\s*%|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b", " ", folded)
        return _terms(folded.split())

    def rank(self, text: str, limit: int = 3) -> list[tuple[int, float, float]]:
        """[(task, bm25, coverage)] best first; coverage is the share of the query's IDF mass found."""
        terms = self.query_terms(text)
        unigrams = [t for t in terms if "_" not in t]
        if not unigrams or not self.numbers:
            return []
        avg = sum(self._lengths.values()) / len(self._lengths)
        scores: dict[int, float] = {}
        found: dict[int, float] = {}
        for term in set(terms):
            idf = self._idf.get(term)
            if idf is None:
                continue
            for number, tf in self._postings[term]:
                length = self._lengths[number]
                scores[number] = scores.get(number, 0.0) + idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))
                # bigrams count too: two words found side by side are strong evidence of the topic
                found[number] = found.get(number, 0.0) + idf
        max_idf = self._max_idf
        total = max(MIN_QUERY_MASS, sum(self._idf.get(t, max_idf) for t in set(unigrams)))
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:limit]
        return [(number, score, min(1.0, found.get(number, 0.0) / total)) for number, score in ranked]

    def best(self, text: str) -> tuple[int, float] | None:
        """The best-matching task and a confidence in [0, 1], or None when nothing matches at all."""
        ranked = self.rank(text, 2)
        if not ranked:
            return None
        number, score, coverage = ranked[0]
        if coverage <= 0:
            return None
        if len(ranked) > 1 and score > 0:
            margin = (score - ranked[1][1]) / score  # 0 when tied, 1 when the runner-up scores nothing
            coverage *= 0.75 + 0.25 * min(1.0, margin * 4)
        return number, round(min(1.0, coverage), 3)
