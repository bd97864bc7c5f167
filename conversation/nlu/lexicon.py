"""The bot's words: what typo correction may correct to, and which word pairs belong to the domain.

Built once per plan by `Understander` from the rules' own cue patterns, the reply words, the unit
directory, the glossary (`data/glossary.yaml`) and the plan's task titles — so a new rule's words, a new
unit or next year's plan extend the vocabulary with no list to maintain by hand.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import lru_cache

from conversation.nlu.normalize import ABBREVIATIONS, fold_canonical
from conversation.nlu.replies import KINDS as REPLY_KINDS
from conversation.nlu.spans import Glossary
from conversation.nlu.tasks import TaskIndex
from domain.units import UnitDirectory


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A few hundred everyday syllables: typo correction must not "fix" an ordinary word into a keyword.
COMMON_WORDS = words(
    """
    anh chi em toi ban minh chung ta ho no ai gi nao dau sao the nay kia do day vay roi nhe nha a oi
    co khong chua da dang se sap van con cung deu rat qua lam hon nhat nua moi cac nhung mot hai ba bon nam
    sau bay tam chin muoi tram nghin trieu ngay tuan thang quy nam gio phut sang trua chieu toi dem hom mai
    qua truoc sau tren duoi trong ngoai giua ben canh cho voi cua ve tu den toi tai vi nen neu thi ma nhung
    hay hoac va la o bi duoc phai can muon nen biet hieu nghi thay xem nghe noi hoi tra loi gui nhan lay
    dua lam viec hoc choi an uong ngu di ve den gap goi nhan tin nhan tin nhac nho quen nho xin cam on
    chao tam biet vui buon met khoe om dau benh nha cua xe duong pho cho tien gia xang dau dien nuoc troi
    mua nang gio bao lanh nong thoi tiet song bien nui rung dat nuoc viet nam tinh huyen xa thanh pho
    nguoi dan doanh nghiep cong ty truong hoc benh vien so phong ban nganh cap tren duoi lanh dao can bo
    nhan vien chuyen vien truong pho giam doc chu tich bi thu dang uy ban hoi dong quoc hoi chinh phu
    bo nganh dia phuong trung uong van ban giay to tai lieu file anh hinh video link trang web mang
    dien thoai may tinh email zalo telegram facebook nhanh cham som muon dung sai tot xau dep lon nho
    cao thap dai ngan moi cu nhieu it du thieu het con them bot tang giam mo dong bat tat chay dung xong
    duyet ky trinh soan sua xoa them tao dat dat gui nop chuyen phat hanh luu tru in chup quet tai
    """
)


def build_lexicon(
    patterns: Iterable[re.Pattern[str]],
    units: UnitDirectory,
    tasks: TaskIndex | None,
    glossary: Glossary,
    particles: frozenset[str],
) -> tuple[frozenset[str], set[str], set[tuple[str, str]], set[tuple[str, str]]]:
    """The words the rules look for (keywords: typo correction prefers them), every word the bot knows
    (vocabulary) and the word pairs of the domain (bigrams, for correcting short words in context)."""
    phrases: list[str] = list(glossary.phrases)
    for pattern in patterns:
        # «\bhalf year» is the phrase «half year»: escapes first, then the pattern's literal runs
        phrases += re.split(r"[^a-z ]+", re.sub(r"\\[a-zA-Z]", "|", pattern.pattern))
    phrases += [core for cores in REPLY_KINDS.values() for core in cores]
    names = [fold_canonical(name) for unit in units.units for name in (unit.name, *unit.aliases)]
    names += [a for aliases in glossary.unit_aliases.values() for a in aliases] + list(glossary.systems)
    keywords = {w for phrase in phrases for w in phrase.split() if len(w) >= 2}
    keywords.update(w for name in names for w in name.split())
    keywords -= particles  # "hna" is "hạn" mistyped far more often than "nha"
    vocabulary: set[str] = set(COMMON_WORDS) | keywords | particles
    for expansion in ABBREVIATIONS.values():
        vocabulary.update(expansion.split())
    vocabulary.update(ABBREVIATIONS)
    texts = phrases + names + list(ABBREVIATIONS.values())
    if tasks is not None:
        vocabulary.update(tasks.vocabulary)
        texts += [fold_canonical(t) for t in tasks.titles.values()]
    bigrams = {pair for text in texts for pair in itertools.pairwise(_digit_class(text).split())}
    strong = {pair for text in glossary.phrases for pair in itertools.pairwise(_digit_class(text).split())}
    return frozenset(vocabulary), keywords, bigrams, strong


REPLY_WORDS = frozenset(w for cores in REPLY_KINDS.values() for core in cores for w in core.split())


_PERIODIC = re.compile(r"\bbao cao\b.*\bdinh ky\b|\bdinh ky\b.*\bbao cao\b")


def periodic_report_tasks(titles: dict[int, str]) -> frozenset[int]:
    """Numbers of the tasks whose (folded) title is a periodic report («Báo cáo CCHC định kỳ»), read from
    the plan: next year's plan renumbers its tasks."""
    return frozenset(number for number, title in titles.items() if _PERIODIC.search(title))


_NUMBER = re.compile(r"\b\d+\b")


@lru_cache(maxsize=16384)
def _digit_class(text: str) -> str:
    """Numbers as one class «#»: «tháng 12» and «tháng #» are the same pair. Remembered, like
    `fold_canonical`: every build of the lexicon classes the same phrases again."""
    return _NUMBER.sub("#", text)




__all__ = ["COMMON_WORDS", "REPLY_WORDS", "build_lexicon", "periodic_report_tasks", "words"]
