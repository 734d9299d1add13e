"""What growing costs: tokens in and out, and USD from the chat price table in resources/pricing.json.

Before starting, tokens are counted offline on the prompts that will be sent, with guesses for what the model
will write (the examples' lengths); while running, the answers' usage is summed, or counted offline when a
provider leaves it out.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.dataset.tokens import TOKENS_PER_MESSAGE, count_text
from core.grow.model import MAX_BATCH, MAX_COUNT, GrowCost, GrowRequest
from core.grow.prompts import Examples, answer_messages, question_messages, spread
from core.paths import resource_path

QUESTION_TOKENS = 30  # a question the model writes, when there are no examples to go by
ANSWER_TOKENS = 150  # an answer, likewise
JSON_TOKENS_PER_QUESTION = 3  # quotes, comma, spaces around each question in the JSON list
SAMPLE = 200  # examples whose lengths are averaged at most


@dataclass(frozen=True)
class ChatPrice:
    input: float  # USD per 1M tokens
    output: float


@functools.cache
def _chat_prices() -> dict[str, Any]:
    return json.loads(resource_path("pricing.json").read_text(encoding="utf-8")).get("chat_per_million", {})


def chat_price(model: str) -> ChatPrice | None:
    """The model's price per 1M tokens; a fine-tuned model has its own, an alias (gpt-4o-mini) its dated name's."""
    table = _chat_prices()
    fine_tuned = model.startswith("ft:")
    base = model.removeprefix("ft:").split(":")[0]
    name = ("ft:" if fine_tuned else "") + base
    dated = (v for k, v in table.items() if k.startswith(name + "-") and k[len(name) + 1:][:1].isdigit())
    entry = table.get(name) or next(dated, None)
    return ChatPrice(float(entry["input"]), float(entry["output"])) if entry else None


def usd(model: str, input_tokens: int, output_tokens: int) -> float | None:
    price = chat_price(model)
    if price is None:
        return None
    return (input_tokens * price.input + output_tokens * price.output) / 1_000_000


def messages_tokens(messages: Sequence[dict[str, Any]], model: str) -> int:
    """Prompt tokens of ``messages`` by the rule the dataset checks use (content + a per-message overhead)."""
    return sum(count_text(str(m.get("content") or ""), model) + TOKENS_PER_MESSAGE for m in messages)


def _average(texts: Sequence[str], model: str, default: int) -> int:
    return round(sum(count_text(t, model) for t in texts) / len(texts)) if texts else default


def question_rounds(request: GrowRequest) -> list[tuple[int, str]]:
    """(questions asked for, passage) of each question request: batches of ``batch_size``; for a document, one
    passage per request, spread evenly over the document."""
    passages, count = request.passages or ("",), max(0, min(request.count, MAX_COUNT))
    size = max(1, min(request.batch_size, MAX_BATCH, math.ceil(count / len(passages))))
    full, rest = divmod(count, size)
    sizes = [size] * full + ([rest] if rest else [])
    if len(sizes) <= len(passages):  # fewer requests than passages: take passages from all over the document
        return [(n, passages[i * len(passages) // len(sizes)]) for i, n in enumerate(sizes)]
    return [(n, passages[i % len(passages)]) for i, n in enumerate(sizes)]


def estimate_cost(request: GrowRequest) -> GrowCost:
    """What growing would cost, counted offline before starting (an estimate: the model decides how much it
    writes). Quick enough to call as the user changes the request: each distinct prompt is counted once."""
    model = request.model
    examples = Examples.of(request.examples)
    sample = spread(examples.pairs, SAMPLE)
    question_out = _average([q for q, _ in sample], model, QUESTION_TOKENS)
    answer_out = _average([a for _, a in sample], model, ANSWER_TOKENS)

    @functools.cache
    def prompts(wanted: int, passage: str) -> tuple[int, int]:
        return (messages_tokens(question_messages(examples, wanted, passage, request.instructions), model),
                messages_tokens(answer_messages(examples, "", passage, request.instructions), model))

    input_tokens = output_tokens = 0
    for wanted, passage in question_rounds(request):
        asking, answering = prompts(wanted, passage)
        input_tokens += asking + wanted * (answering + question_out)
        output_tokens += wanted * (question_out + JSON_TOKENS_PER_QUESTION + answer_out)
    return GrowCost(input_tokens, output_tokens, usd(model, input_tokens, output_tokens))
