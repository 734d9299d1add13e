"""How Sandbox models answer: a fine-tuned model repeats what it was trained on, marked as such.

Matching ranks the training prompts by IDF-weighted term overlap with the prompt. Terms are lowercase
words with common endings cut ("shipped" -> "ship") and, for Chinese, Japanese and Korean text, single
characters plus character pairs, so a short paraphrase ("订单几天发货") finds a long training question
("…订单什么时候能够发货，大概需要几天时间？"). The score is the share of the prompt's weight that a
training prompt holds; function words ("what", "the", "的", "吗") weigh little, so they alone never
make a match. Enough for people to see "the model learned my data" without any real model.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.validation import FileFacts

MATCH_THRESHOLD = 0.55  # share of the prompt's weight a training prompt must hold
STOP_WEIGHT = 0.1  # how much a function word counts next to a content word
SEAM_WEIGHT = 0.5  # a new CJK pair holding a new character (see _Index.weight)
TIE_WEIGHT = 0.1  # among prompts that hold the question alike, prefer the one it covers best

_CJK_RANGE = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUNS = re.compile(rf"([{_CJK_RANGE}]+)|([^\W{_CJK_RANGE}]+)")
_CJK = re.compile(rf"[{_CJK_RANGE}]")
_FUNCTION_WORDS = """
    a about am an and any are as at be been being but by can could did do does doing for from had has have
    hello hey hi how i if in into is it its many me much my of on or our please should so some than thank thanks
    that the their them then there these they this those to us was we were what when where which who whom why will with
    would you your yours
"""
_STOP_WORDS = frozenset(_FUNCTION_WORDS.split())
_STOP_CHARS = frozenset("的得了着过吗呢吧啊呀嘛哦嗯么我你您他她它们是在有和与及或就都也还"
                        "请问想要能会可以这那个些什怎样如何哪谁为好一下候几多少久")


def _stem(word: str) -> str:
    """Cut a plural or -ed/-ing ending, and a final e, so "ordered", "orders" and "order" meet."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if suffix != "s" and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]  # shipped -> shipp -> ship
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _terms(text: str) -> set[str]:
    """Lowercase (stemmed) words, and each CJK character and pair of neighbouring characters."""
    terms: set[str] = set()
    for cjk, word in _RUNS.findall(text):
        if cjk:
            terms.update(cjk)
            terms.update(cjk[i:i + 2] for i in range(len(cjk) - 1))
        else:
            word = word.lower()
            terms.add(word if word in _STOP_WORDS or word.isdigit() else _stem(word))
    return terms


def _is_pair(term: str) -> bool:
    return len(term) == 2 and _CJK.match(term) is not None


def _is_stop(term: str) -> bool:
    return term in _STOP_WORDS or bool(_CJK.match(term)) and all(ch in _STOP_CHARS for ch in term)


def _idf(n_docs: int, df: int) -> float:
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class _Index:
    """The training prompts of one file, ready to be matched."""

    weights: dict[str, float]  # every term of the training prompts
    totals: list[float]  # each prompt's summed weight
    postings: dict[str, list[int]]  # term -> the prompts that hold it
    exact: dict[str, int]  # normalised prompt -> its first example
    unseen: float  # the weight of a word no training prompt has: as rare as the rarest one

    @classmethod
    def build(cls, prompts: Sequence[str]) -> _Index:
        docs = [frozenset(_terms(p)) for p in prompts]
        postings: dict[str, list[int]] = {}
        for i, doc in enumerate(docs):
            for term in doc:
                postings.setdefault(term, []).append(i)
        weights = {t: _idf(len(docs), len(ids)) * (STOP_WEIGHT if _is_stop(t) else 1.0) for t, ids in postings.items()}
        exact: dict[str, int] = {}
        for i, prompt in enumerate(prompts):
            exact.setdefault(_normalised(prompt), i)
        return cls(weights, [sum(weights[t] for t in doc) for doc in docs],
                   postings, exact, _idf(len(docs), 1))

    def weight(self, term: str) -> float:
        """A query term's weight; a term no training prompt has counts as much as the rarest one, but:"""
        if term in self.weights:
            return self.weights[term]
        if _is_pair(term):
            # a new pair of known characters is mostly the seam between two words of a paraphrase, no evidence
            # of another subject; a pair with a new character says little more than that character does
            return self.unseen * SEAM_WEIGHT if any(ch not in self.weights for ch in term) else 0.0
        return self.unseen * (STOP_WEIGHT if _is_stop(term) else 1.0)

    def best(self, prompt: str) -> tuple[int, float] | None:
        """(example, share of the prompt's weight it holds) of the closest training prompt."""
        if (exact := self.exact.get(_normalised(prompt))) is not None:
            return exact, 1.0
        query = {t: w for t in _terms(prompt) if (w := self.weight(t))}
        total = sum(query.values())
        held: dict[int, float] = {}
        for term, weight in query.items():
            for i in self.postings.get(term, ()):
                held[i] = held.get(i, 0.0) + weight
        # function words in common say nothing about the subject: a match needs a content term too
        candidates = {i for t in query if not _is_stop(t) for i in self.postings.get(t, ())}
        if not candidates:
            return None
        found = max(candidates, key=lambda i: (held[i] / total + TIE_WEIGHT * held[i] / self.totals[i], -i))
        return found, held[found] / total


_indexes: dict[int, tuple[weakref.ref[FileFacts], int, _Index]] = {}


def _index(facts: FileFacts) -> _Index:
    """The file's index, built once per FileFacts (a job's file is matched on every chat request)."""
    key = id(facts)
    cached = _indexes.get(key)
    if cached is not None and cached[0]() is facts and cached[1] == len(facts.pairs):
        return cached[2]
    index = _Index.build([prompt for prompt, _ in facts.pairs])
    _indexes[key] = (weakref.ref(facts, lambda _ref: _indexes.pop(key, None)), len(facts.pairs), index)
    return index


def trained_answer(prompt: str, facts: FileFacts | None) -> str | None:
    """The answer of the closest training example, if it is close enough."""
    if facts is None or not facts.pairs:
        return None
    found = _index(facts).best(prompt)
    return facts.pairs[found[0]][1] if found and found[1] >= MATCH_THRESHOLD else None


def sandbox_reply(model: str, fine_tuned: bool) -> str:
    if fine_tuned:
        return (f"[Sandbox] {model} has no training example close to this prompt. In the Sandbox a fine-tuned "
                "model only repeats its training answers; no real model was trained.")
    return (f"[Sandbox] This is a practice reply from {model}. No real model answers in the Sandbox and "
            "nothing is billed.")


def chunks(text: str, words_per_chunk: int = 3, max_chars: int = 6) -> list[str]:
    """Split an answer into stream pieces; long runs without spaces (Chinese) are cut every few characters."""
    pieces: list[str] = []
    for word in re.findall(r"\s*\S+", text) or [text]:
        pieces += [word[i:i + max_chars] for i in range(0, len(word), max_chars)] if len(word) > 2 * max_chars \
            else [word]
    grouped = ["".join(pieces[i:i + words_per_chunk]) for i in range(0, len(pieces), words_per_chunk)]
    return grouped or [""]
