"""How Sandbox models answer: a fine-tuned model repeats what it was trained on, marked as such.

Matching is a plain word-set similarity (Jaccard over words, and over single characters for
Chinese, Japanese and Korean text) between the prompt and each training prompt: enough for people
to see "the model learned my data" without any real model.
"""

from __future__ import annotations

import re

from sandbox.validation import FileFacts

MATCH_THRESHOLD = 0.5
_WORDS = re.compile(r"[A-Za-z0-9_]+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORDS.findall(text)}


def similarity(a: str, b: str) -> float:
    left, right = _words(a), _words(b)
    if not left or not right:
        return 1.0 if a.strip() == b.strip() else 0.0
    return len(left & right) / len(left | right)


def trained_answer(prompt: str, facts: FileFacts | None) -> str | None:
    """The answer of the closest training example, if it is close enough."""
    if facts is None or not facts.pairs:
        return None
    score, answer = max(((similarity(prompt, p), a) for p, a in facts.pairs), key=lambda pair: pair[0])
    return answer if score >= MATCH_THRESHOLD else None


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
