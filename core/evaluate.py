"""Run a validation set: send each example's prompt to one or two models (a few at a time), and compare
the answers with the expected ones using a simple similarity score."""

from __future__ import annotations

import asyncio
import csv
import difflib
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.chat import ChatRequest, ask
from core.dataset.model import Format, Row
from core.dataset.tabular import excel_rows, write_excel_csv
from core.errors import CoreError

if TYPE_CHECKING:
    from pathlib import Path

    import openai

CONCURRENCY = 4


@dataclass(frozen=True)
class Case:
    messages: tuple[dict[str, Any], ...]  # everything before the expected answer
    expected: str

    @property
    def question(self) -> str:
        return next((str(m.get("content", "")) for m in reversed(self.messages) if m.get("role") == "user"), "")


@dataclass(frozen=True)
class Outcome:
    case: Case
    answers: tuple[str, ...]  # one per model ("" with the error in errors when it failed)
    scores: tuple[float, ...]
    errors: tuple[str, ...]


def cases_from_rows(rows: Sequence[Row], sample: int | None = None, seed: int = 0) -> list[Case]:
    """The examples that end with an assistant answer (or completion rows), optionally a seeded sample."""
    cases = []
    for row in rows:
        data = row.data or {}
        messages = data.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[-1], dict) \
                and messages[-1].get("role") == "assistant":
            cases.append(Case(tuple(messages[:-1]), str(messages[-1].get("content") or "")))
        elif row.format is Format.COMPLETION:
            cases.append(Case(({"role": "user", "content": str(data.get("prompt", ""))},),
                              str(data.get("completion", "")).strip()))
    if sample is not None and sample < len(cases):
        cases = random.Random(seed).sample(cases, sample)
    return cases


def similarity(expected: str, actual: str) -> float:
    """0..1: how much of the text matches, character by character (fair to Chinese, which has no spaces)."""
    if not expected and not actual:
        return 1.0
    return round(difflib.SequenceMatcher(None, expected.strip(), actual.strip(), autojunk=False).ratio(), 3)


async def run_cases(client: openai.AsyncOpenAI, cases: Sequence[Case], models: Sequence[str],
                    on_outcome: Callable[[int, Outcome], None], concurrency: int = CONCURRENCY,
                    clients: Sequence[openai.AsyncOpenAI] = ()) -> list[Outcome]:
    """Every case against every model, at most ``concurrency`` requests at once; ``on_outcome(index, outcome)``
    as each case completes. ``clients`` (one per model) asks each model through its own provider, e.g. an old
    OpenAI model beside its retrained copy elsewhere; by default all go through ``client``. Cancel the task
    to stop."""
    gate = asyncio.Semaphore(concurrency)
    through = dict(zip(models, clients, strict=True)) if clients else {}

    async def answer(case: Case, model: str) -> tuple[str, str]:
        async with gate:
            try:
                reply = await ask(through.get(model, client), ChatRequest(model, case.messages, temperature=0),
                                  lambda _: None, stream=False)
            except CoreError as error:
                return "", error.user_message
            return reply.text, ""

    async def one(index: int, case: Case) -> Outcome:
        results = await asyncio.gather(*(answer(case, model) for model in models))
        outcome = Outcome(case, tuple(r[0] for r in results),
                          tuple(similarity(case.expected, r[0]) for r in results), tuple(r[1] for r in results))
        on_outcome(index, outcome)
        return outcome

    return list(await asyncio.gather(*(one(i, case) for i, case in enumerate(cases))))


def _records(outcomes: Sequence[Outcome], models: Sequence[str]) -> list[list[object]]:
    header = ["question", "expected", *[f"{m} answer" for m in models], *[f"{m} similarity" for m in models]]
    return [header, *([o.case.question, o.case.expected, *o.answers, *o.scores] for o in outcomes)]


def outcomes_csv(outcomes: Sequence[Outcome], models: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(excel_rows(_records(outcomes, models)))
    return buffer.getvalue()


def save_outcomes(path: Path, outcomes: Sequence[Outcome], models: Sequence[str]) -> None:
    """A CSV that Excel opens with Chinese intact."""
    write_excel_csv(path, _records(outcomes, models))
