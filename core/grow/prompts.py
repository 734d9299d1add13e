"""What the model is asked: first a batch of new questions, then an answer to each in the examples' style.

The material a question request works from (the examples' questions, a document's passage) stands between
triple quotes, as OpenAI's prompting guide suggests for text the model should read rather than obey. The prompts
are in English: the model is told to write in the examples' (or the document's) language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.dataset.model import Row, content_text

SHOWN_QUESTIONS = 40  # example questions shown in a question request at most
FEW_SHOT = 8  # examples shown with each question to answer at most
EXAMPLE_ROWS = 400  # rows read for the examples at most (spread over a long file): the prompts show fewer
QUESTION_CHARS = 500  # of each example question shown
ANSWER_CHARS = 4000  # of each example answer shown
AVOID = 30  # questions already written that a later request is told not to repeat
INSTRUCTION_CHARS = 2000
QUOTES = '"""'
Messages = tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Examples:
    """The examples as the prompts use them: their system message and (question, answer) pairs."""

    system: str
    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, rows: Sequence[Row]) -> Examples:
        systems: Counter[str] = Counter()
        pairs = []
        for row in spread(rows, EXAMPLE_ROWS):
            messages = (row.data or {}).get("messages")
            if not isinstance(messages, list):
                continue
            texts = [(m.get("role"), content_text(m.get("content")) or "") for m in messages if isinstance(m, dict)]
            systems.update(text for role, text in texts[:1] if role in ("system", "developer") and text.strip())
            pair = _last_pair(texts)
            if pair is not None:
                pairs.append(pair)
        return cls(systems.most_common(1)[0][0] if systems else "", tuple(pairs))

    def few_shot(self) -> tuple[tuple[str, str], ...]:
        return spread(self.pairs, FEW_SHOT)


def _last_pair(texts: list[tuple[Any, str]]) -> tuple[str, str] | None:
    """The last answer and the question just before it."""
    last = max((i for i, (role, _) in enumerate(texts) if role == "assistant"), default=None)
    if last is None:
        return None
    question = next((text for role, text in reversed(texts[:last]) if role == "user"), None)
    return (question, texts[last][1]) if question and question.strip() else None


def spread(items: Sequence[Any], most: int) -> tuple[Any, ...]:
    """At most ``most`` of ``items``, evenly spread over them (the first ones of a long file may all be alike)."""
    if len(items) <= most:
        return tuple(items)
    return tuple(items[i * len(items) // most] for i in range(most))


def _quoted(text: str) -> str:
    return QUOTES + "\n" + text.replace(QUOTES, '"') + "\n" + QUOTES


def _one_line(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def question_messages(examples: Examples, wanted: int, passage: str = "", instructions: str = "",
                      avoid: Sequence[str] = ()) -> Messages:
    """A request for ``wanted`` new questions, as a JSON object {"questions": [...]}."""
    grounding = ("Every question must be answerable from the text between triple quotes alone; write them in "
                 "the language of that text." if passage else
                 "Write them in the language of the examples, in the same tone and of similar length.")
    system = (f"You write user messages for a chatbot's training data. Write {wanted} new questions that a user "
              "might ask. Make them varied in topic, wording and length; none may repeat or paraphrase the examples "
              f"or one another. {grounding}\n"
              f'Reply with JSON only: {{"questions": ["...", "..."]}} holding exactly {wanted} strings.')
    parts = []
    shown = [_one_line(q, QUESTION_CHARS) for q, _ in spread(examples.pairs, SHOWN_QUESTIONS)]
    if shown:
        parts.append("Example questions:\n" + _quoted("\n".join(shown)))
    if passage:
        parts.append("Text:\n" + _quoted(passage))
    if avoid:
        parts.append("Already written, do not repeat:\n" + "\n".join(
            f"- {_one_line(q, QUESTION_CHARS)}" for q in avoid[-AVOID:]))
    if instructions.strip():
        parts.append("Also follow these instructions: " + instructions.strip()[:INSTRUCTION_CHARS])
    return {"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}


def answer_messages(examples: Examples, question: str, passage: str = "", instructions: str = "") -> Messages:
    """The examples' system message, the passage to answer from, a few examples, then ``question``."""
    system = examples.system
    if passage:
        system = (system + "\n\n" if system else "") + (
            "Answer only from the text between triple quotes; if it does not hold the answer, say so.\n"
            + _quoted(passage))
    if instructions.strip():
        system = (system + "\n\n" if system else "") + (
            "Follow these instructions where they concern answers: " + instructions.strip()[:INSTRUCTION_CHARS])
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    for asked, answered in examples.few_shot():
        messages += [{"role": "user", "content": asked}, {"role": "assistant", "content": answered[:ANSWER_CHARS]}]
    messages.append({"role": "user", "content": question})
    return tuple(messages)


def generated_messages(examples: Examples, question: str, answer: str | None) -> list[dict[str, Any]]:
    """A generated row's messages: the examples' system message (not the passage), the question, the answer."""
    messages = [{"role": "system", "content": examples.system}] if examples.system else []
    if question:
        messages.append({"role": "user", "content": question})
    if answer is not None:
        messages.append({"role": "assistant", "content": answer})
    return messages
