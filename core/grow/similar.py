"""Near-duplicate questions: character n-gram similarity that works for Chinese (which has no spaces).

Text is normalised (NFKC, case-folded, punctuation dropped) and cut into overlapping character n-grams:
pairs for text with CJK characters, triples otherwise. Two texts' similarity is the Dice coefficient of their
n-gram sets. An index finds the closest earlier text without comparing against every one: prefix filtering
(Chaudhuri, Ganti and Kaushik, "A Primitive Operator for Similarity Joins", ICDE 2006) indexes each text under
its rarest n-grams only, enough of them that any text above the threshold must share one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import replace

from core.dataset.model import Format, Row, content_text
from core.grow.model import GeneratedRow
from core.i18n import tr

DEFAULT_THRESHOLD = 0.8
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


_NOT_WORD = re.compile(r"[\W_]+")


def normalised(text: str) -> str:
    folded = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    return _NOT_WORD.sub(" ", folded).strip()


def shingles(text: str) -> frozenset[str]:
    """The character n-grams of the normalised text (the whole text when it is shorter than one)."""
    norm = normalised(text)
    n = 2 if _CJK.search(norm) else 3
    if len(norm) <= n:
        return frozenset((norm,)) if norm else frozenset()
    return frozenset(norm[i:i + n] for i in range(len(norm) - n + 1))


def similarity(a: str, b: str) -> float:
    """0..1: how alike two texts are, character by character (the Dice coefficient of their n-grams)."""
    first, second = shingles(a), shingles(b)
    return 2 * len(first & second) / (len(first) + len(second)) if first and second else 0.0


def question_of(row: Row) -> str:
    """What a row asks: its user turns (a chat row) or its prompt (a completion row)."""
    data = row.data or {}
    if row.format is Format.COMPLETION:
        return str(data.get("prompt") or "")
    messages = data.get("messages") if row.format is Format.CHAT else (data.get("input") or {}).get("messages")
    if not isinstance(messages, list):
        return ""
    return "\n".join(content_text(m.get("content")) or "" for m in messages
                     if isinstance(m, dict) and m.get("role") == "user")


class Index:
    """Texts to compare new ones against; ``closest`` returns the best one at or above the threshold.

    Each n-gram gets a rank, rarest first (by how many of the texts given at the start hold it; an n-gram first
    seen later ranks before all of those), and each text is kept as the sorted tuple of its n-grams' ranks: its
    prefix is then its first few ranks, and integers take far less memory than 100,000 sets of strings."""

    def __init__(self, texts: Sequence[str] = (), labels: Sequence[Hashable] = (),
                 threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.jaccard = threshold / (2 - threshold)  # the Jaccard similarity a Dice of ``threshold`` implies
        grams = [shingles(t) for t in texts]
        frequency = Counter(g for each in grams for g in each)
        # rarest first; among as rare, the first seen first (a stable sort)
        self.ranks = {g: rank for rank, g in enumerate(sorted(frequency, key=frequency.__getitem__))}
        self.texts: list[tuple[int, ...]] = []
        self.labels: list[Hashable] = []
        self.postings: defaultdict[int, list[int]] = defaultdict(list)
        self.comparisons = 0  # candidates compared in full: the work the queries did
        for each, label in zip(grams, labels, strict=True):
            self._add(tuple(sorted(map(self.ranks.__getitem__, each))), label)

    def _prefix_size(self, size: int) -> int:
        return size - math.ceil(self.jaccard * size - 1e-9) + 1

    def _add(self, ranks: tuple[int, ...], label: Hashable) -> None:
        if not ranks:
            return
        for rank in ranks[:self._prefix_size(len(ranks))]:
            self.postings[rank].append(len(self.texts))
        self.texts.append(ranks)
        self.labels.append(label)

    def add(self, text: str, label: Hashable) -> None:
        for gram in sorted(shingles(text) - self.ranks.keys()):
            self.ranks[gram] = -len(self.ranks) - 1  # unseen by the first texts: rarer than all of theirs
        self._add(tuple(sorted(self.ranks[g] for g in shingles(text))), label)

    def closest(self, text: str) -> tuple[Hashable, float] | None:
        """(label, similarity) of the most similar text, if it reaches the threshold (the earliest on a tie)."""
        grams = shingles(text)
        known = sorted(self.ranks[g] for g in grams if g in self.ranks)
        unseen = len(grams) - len(known)  # first in the order, and in no text of the index
        prefix = known[:max(0, self._prefix_size(len(grams)) - unseen)]
        low, high = len(grams) * self.jaccard, len(grams) / self.jaccard  # sizes that could reach the threshold
        candidates = {i for rank in prefix for i in self.postings.get(rank, ())
                      if low - 1e-9 <= len(self.texts[i]) <= high + 1e-9}
        self.comparisons += len(candidates)
        wanted = set(known)
        scores = ((2 * len(wanted.intersection(self.texts[i])) / (len(grams) + len(self.texts[i])), -i)
                  for i in candidates)
        best = max(scores, default=None)
        if best is None or best[0] < self.threshold - 1e-9:
            return None
        return self.labels[-best[1]], best[0]


def note(label: Hashable, score: float) -> str:
    """The user's words for a close row: ("row", 12) is row 12 of the file, ("new", 3) the third new row."""
    kind, number = label  # type: ignore[misc]
    percent = round(score * 100)
    if kind == "new":
        return tr("Close to new row {n} ({percent}%)").format(n=number, percent=percent)
    return tr("Close to row {n} ({percent}%)").format(n=number, percent=percent)


def existing_index(existing: Sequence[Row], threshold: float = DEFAULT_THRESHOLD) -> Index:
    """An index of the file's rows, labelled by row number (build it off the GUI thread: 100,000 rows take a
    second or two)."""
    return Index([question_of(r) for r in existing], [("row", i + 1) for i in range(len(existing))], threshold)


def flag(index: Index, row: GeneratedRow, number: int) -> GeneratedRow:
    """``row`` with a note when it is close to a row in ``index``; then it joins the index as new row
    ``number``."""
    found = index.closest(row.question) if row.question else None
    if row.question:
        index.add(row.question, ("new", number))
    return replace(row, similar_to=note(*found), similarity=round(found[1], 2)) if found else row


def flag_duplicates(rows: Sequence[GeneratedRow], existing: Sequence[Row],
                    threshold: float = DEFAULT_THRESHOLD) -> tuple[GeneratedRow, ...]:
    """``rows`` with notes on the ones close to a row of ``existing`` or to an earlier one of ``rows``."""
    index = existing_index(existing, threshold)
    return tuple(flag(index, row, number) for number, row in enumerate(rows, start=1))
