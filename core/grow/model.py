"""What growing a dataset takes and gives: the request, the cost, each generated row and the progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.dataset.model import Row, is_legacy_model
from core.errors import CoreError
from core.grow.prompts import Examples
from core.i18n import tr

GENERATED = "generated"  # Row.origin of every generated row
MAX_COUNT = 10_000  # new rows one run makes at most
MAX_BATCH = 50  # questions asked for in one request at most


@dataclass(frozen=True)
class GrowRequest:
    examples: tuple[Row, ...]  # chat rows chosen by the user; their system message is reused
    count: int  # how many new rows to make
    model: str  # any chat model of the chosen profile
    instructions: str = ""  # e.g. "more questions about refunds", "answers under 50 characters", a language
    temperature: float = 1.0
    passages: tuple[str, ...] = ()  # questions grounded in these passages of a document (examples may be empty)
    batch_size: int = 10  # questions asked for per request
    concurrency: int = 4  # answers in flight at once


@dataclass(frozen=True)
class GrowCost:
    """Tokens in and out, and the price in USD when the model's price is known."""

    input_tokens: int
    output_tokens: int
    usd: float | None
    done: bool = False  # measured (what was spent), not estimated


@dataclass(frozen=True)
class GeneratedRow:
    row: Row  # {"messages": [system?, user, assistant]}, line=0, origin="generated"
    passage: str = ""  # the document passage it came from ("" when grown from examples)
    similar_to: str = ""  # "" or a note such as "Close to row 12 (84%)"
    similarity: float = 0.0  # of the closest row, when it is close enough to be noted
    error: str = ""  # what went wrong making this row (translated); the row has no answer then

    @property
    def question(self) -> str:
        return next((str(m.get("content") or "") for m in self.messages if m.get("role") == "user"), "")

    @property
    def answer(self) -> str:
        return next((str(m.get("content") or "") for m in self.messages if m.get("role") == "assistant"), "")

    @property
    def messages(self) -> list[dict[str, Any]]:
        return (self.row.data or {}).get("messages") or []


@dataclass(frozen=True)
class GrowProgress:
    stage: str  # "questions" | "answers" | "done" (stage_text() for users)
    made: int  # rows finished so far (with or without an error)
    wanted: int
    cost: GrowCost  # spent so far (done=False) or in all (done=True, at the end)
    new_rows: tuple[GeneratedRow, ...] = ()  # rows finished since the previous progress value
    questions: int = 0  # questions written so far


def cost_text(cost: GrowCost, billed: bool = True) -> str:
    """The cost in the user's words: tokens, and dollars when the model's price is known (``billed`` False: the
    model runs in the Sandbox or on this computer, where tokens cost nothing)."""
    tokens = tr("{input} input + {output} output tokens").format(input=f"{cost.input_tokens:,}",
                                                                 output=f"{cost.output_tokens:,}")
    if not billed:
        return tr("{tokens} (nothing is billed)").format(tokens=tokens)
    if cost.usd is None:
        return tr("{tokens} (no price known for this model)").format(tokens=tokens)
    return tr("{tokens}, about ${usd}").format(tokens=tokens, usd=f"{cost.usd:.4f}" if cost.usd < 1 else
                                               f"{cost.usd:,.2f}")


def review_record(generated: GeneratedRow) -> dict[str, Any]:
    """A generated row as a line of a review file: its messages, and how it was made under "generated"."""
    return {"messages": generated.messages, "generated": {
        "origin": "document" if generated.passage else "examples", "passage": generated.passage,
        "similar_to": generated.similar_to, "error": generated.error}}


def stage_text(stage: str) -> str:
    """The stage in the user's words."""
    return {"questions": tr("Writing questions…"), "answers": tr("Writing answers…"),
            "done": tr("Done.")}.get(stage, stage)


class GrowError(CoreError):
    """The request cannot be grown as it is (no examples, a completion model, a count out of range)."""


def check_request(request: GrowRequest) -> None:
    """Raise GrowError when ``request`` cannot be started."""
    if not request.passages and not Examples.of(request.examples).pairs:
        raise GrowError(tr("Choose some example rows (chat rows with a question and an answer) or a document to grow "
                           "the dataset from."))
    if not 1 <= request.count <= MAX_COUNT:
        raise GrowError(tr("The number of new rows must be between 1 and {max}.").format(max=f"{MAX_COUNT:,}"))
    if not request.model.strip():
        raise GrowError(tr("Choose the model that writes the new rows."))
    if is_legacy_model(request.model):
        raise GrowError(tr("{model} is a completion model: new rows are written by a chat model.").format(
            model=request.model), tr("Choose a chat model such as gpt-4.1 or gpt-4o-mini."))
