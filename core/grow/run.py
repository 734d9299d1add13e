"""Grow a dataset: ask for new questions a batch at a time, answer each (a few at once) as soon as its batch
arrives, and report every finished row with the running cost.

Question requests go one after another, each told what was already written, so batches do not repeat one
another; answers run alongside, at most ``concurrency`` at once. A row that fails (a malformed reply, an answer
cut off, a server error on that one request) comes back with ``error``; a failure of the whole service (the
key refused, the network down after the SDK's retries) raises its CoreError. Cancelling the consuming task
stops every request; rows already yielded stay valid.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from core.chat import AnswerLimits, ChatRequest, PartialAnswerError, ask
from core.dataset.model import Row
from core.errors import APIStatusError, CoreError
from core.grow.cost import messages_tokens, question_rounds, usd
from core.grow.model import GENERATED, MAX_BATCH, GeneratedRow, GrowCost, GrowProgress, GrowRequest, check_request
from core.grow.parse import REPLY_CHARS, holds_a_list, key, parse_questions
from core.grow.prompts import Examples, answer_messages, generated_messages, question_messages
from core.grow.similar import existing_index, flag
from core.i18n import tr
from core.terminal import one_line

if TYPE_CHECKING:
    import openai

MIB = 1024 * 1024
QUESTION_LIMITS = AnswerLimits(chars=REPLY_CHARS, seconds=600.0, bytes=8 * MIB)
ANSWER_LIMITS = AnswerLimits(chars=100_000, seconds=600.0, bytes=8 * MIB)
FAILED_ROUNDS = 2  # question requests in a row that bring nothing new before giving up
SHOWN_REPLY = 200  # characters of a malformed reply quoted in its row's error
_RECOVERABLE_STATUS = (400, 408, 409, 413, 422, 429)  # about one request; 5xx too (after the SDK's retries)


def _row_error(error: CoreError) -> bool:
    """True when ``error`` concerns one request (its row gets the error); False when every request would fail."""
    if isinstance(error, PartialAnswerError):
        return True
    if isinstance(error, APIStatusError):
        quota = error.status == 429 and "quota" in (error.detail + error.code).lower()
        return (error.status in _RECOVERABLE_STATUS or error.status >= 500) and not quota
    return False


def _answer_error(text: str, finish_reason: str | None) -> str:
    """What is wrong with an answer, or "" when nothing is."""
    if finish_reason == "content_filter":
        return tr("The provider withheld the answer (content filter).")
    if finish_reason == "length":
        return tr("The answer was cut off at the model's token limit.") if text.strip() else tr(
            "The model stopped at its token limit before writing an answer.")
    return "" if text.strip() else tr("The model gave an empty answer.")


class _Run:
    """One growing run: its requests, the rows they make, the tokens they used."""

    def __init__(self, client: openai.AsyncOpenAI, request: GrowRequest) -> None:
        self.client, self.request = client, request
        self.examples = Examples.of(request.examples)
        self.events: asyncio.Queue[Any] = asyncio.Queue()
        self.gate = asyncio.Semaphore(max(1, request.concurrency))
        self.tasks: set[asyncio.Task[None]] = set()
        self.tokens = [0, 0]  # in, out
        self.questions: list[str] = []
        self.asking = True

    def cost(self, done: bool = False) -> GrowCost:
        return GrowCost(*self.tokens, usd(self.request.model, *self.tokens), done)

    async def _ask(self, messages: tuple[dict[str, Any], ...], limits: AnswerLimits) -> tuple[str, str | None]:
        """(text, finish reason); tokens counted from the usage, or offline when the provider leaves it out."""
        model = self.request.model
        try:
            answer = await ask(self.client, ChatRequest(model, messages, self.request.temperature),
                               lambda _: None, stream=False, limits=limits)
        except PartialAnswerError as error:
            self.tokens[0] += messages_tokens(messages, model)
            self.tokens[1] += messages_tokens([{"content": error.text}], model)
            raise
        self.tokens[0] += answer.prompt_tokens or messages_tokens(messages, model)
        self.tokens[1] += answer.completion_tokens or messages_tokens([{"content": answer.text}], model)
        return answer.text, answer.finish_reason

    def _row(self, question: str, passage: str, answer: str | None = None, error: str = "") -> GeneratedRow:
        data = {"messages": generated_messages(self.examples, question, answer)}
        return GeneratedRow(Row(0, data, origin=GENERATED), passage, error=error)

    async def _answer(self, question: str, passage: str) -> None:
        messages = answer_messages(self.examples, question, passage, self.request.instructions)
        async with self.gate:
            try:
                text, finish = await self._ask(messages, ANSWER_LIMITS)
            except CoreError as error:
                if not _row_error(error):
                    raise
                self.events.put_nowait(self._row(question, passage, error=error.user_message))
                return
        error = _answer_error(text, finish)
        self.events.put_nowait(self._row(question, passage, None if error else text.strip(), error))

    async def _round(self, wanted: int, passage: str) -> tuple[int, bool]:
        """Ask for ``wanted`` questions and start answering them: (how many new ones came, whether the round
        failed with an error row)."""
        messages = question_messages(self.examples, wanted, passage, self.request.instructions, self.questions)
        try:
            text, _ = await self._ask(messages, QUESTION_LIMITS)
        except PartialAnswerError as error:
            text = error.text  # a list cut off still holds whole questions
        except CoreError as error:
            if not _row_error(error):
                raise
            return 0, self._failed(passage, tr("No questions were written: {reason}").format(
                reason=error.user_message))
        found = parse_questions(text, wanted, (key(q) for q in self.questions))
        for question in found:
            self.questions.append(question)
            task = asyncio.create_task(self._answer(question, passage))
            self.tasks.add(task)
            task.add_done_callback(self._finished)
        if found or holds_a_list(text):  # nothing new, but a list: the model repeated itself
            return len(found), False
        return 0, self._failed(passage, tr("The model wrote no questions.") if not text.strip() else tr(
            "The model's reply was not a list of questions: “{start}”").format(start=one_line(text[:SHOWN_REPLY])))

    def _failed(self, passage: str, error: str) -> bool:
        self.events.put_nowait(self._row("", passage, error=error))
        return True

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.events.put_nowait(task.exception())

    async def produce(self) -> None:
        """Every question round, then wait for the answers; the end (or a failure) goes to ``events``."""
        try:
            await self._rounds()
            self.asking = False
            self.events.put_nowait("answers")
            while self.tasks:
                await asyncio.wait(set(self.tasks))
            self.events.put_nowait(None)
        except Exception as error:  # handed to the consumer, which raises it
            self.events.put_nowait(error)

    async def _rounds(self) -> None:
        """The planned question requests, and a few more when the model wrote fewer than asked."""
        request = self.request
        planned = question_rounds(request)
        passages = request.passages or ("",)
        failed_rows = failed_in_a_row = 0
        for number in range(len(planned) + max(2, len(planned) // 2)):
            missing = request.count - len(self.questions) - failed_rows
            if missing <= 0 or failed_in_a_row >= FAILED_ROUNDS:
                return
            wanted, passage = planned[number] if number < len(planned) else (
                request.batch_size, passages[number % len(passages)])
            got, failed = await self._round(max(1, min(wanted, missing, MAX_BATCH)), passage)
            failed_rows += failed
            failed_in_a_row = 0 if got else failed_in_a_row + 1
            self.events.put_nowait("questions")


async def grow(client: openai.AsyncOpenAI, request: GrowRequest,
               existing: Sequence[Row] = ()) -> AsyncIterator[GrowProgress]:
    """New rows for ``request``, as progress values; the last has stage "done" and the spent cost. Rows are
    flagged when close to a row of ``existing`` (the open file) or to an earlier new row."""
    check_request(request)
    run = _Run(client, request)
    index = await asyncio.to_thread(existing_index, existing)
    made = 0
    producer = asyncio.create_task(run.produce())
    try:
        yield GrowProgress("questions", 0, request.count, run.cost())
        while (event := await run.events.get()) is not None:
            if isinstance(event, BaseException):
                raise event
            rows: tuple[GeneratedRow, ...] = ()
            if isinstance(event, GeneratedRow):
                made += 1
                rows = (flag(index, event, made),)
            stage = "questions" if run.asking else "answers"
            yield GrowProgress(stage, made, request.count, run.cost(), rows, len(run.questions))
        yield GrowProgress("done", made, request.count, run.cost(done=True), (), len(run.questions))
    finally:
        producer.cancel()
        for task in list(run.tasks):
            task.cancel()

