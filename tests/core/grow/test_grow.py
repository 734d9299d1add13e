"""Growing a dataset against the Sandbox: batches, the count, cancelling, costs, and what goes wrong per row."""

import asyncio
import re
from pathlib import Path

import pytest

from core.errors import APIStatusError
from core.grow import GrowError, GrowRequest, estimate_cost, grow, read_document, split_passages, stage_text
from core.grow.cost import chat_price
from sandbox.faults import Faults
from tests.core.grow.shop import SHOP, ZH_PAIRS, chat_row
from tests.waiting import eventually

DATA = Path(__file__).resolve().parents[2] / "data" / "grow"
CJK = re.compile("[\u4e00-\u9fff]")


async def collect(client, request, existing=()):
    progress = [p async for p in grow(client, request, existing)]
    return progress, [row for p in progress for row in p.new_rows]


async def test_grows_in_batches_of_questions_and_never_past_the_count(client, recorder, zh_examples):
    progress, rows = await collect(client, GrowRequest(zh_examples, 25, "gpt-4o-mini", batch_size=10))
    assert len(recorder.question_requests) == 3  # ceil(25 / 10)
    assert [m["content"] for m in recorder.question_requests[0]["messages"] if m["role"] == "system"][0].startswith(
        "You write user messages") and "Write 10 new questions" in recorder.question_requests[0]["messages"][0][
        "content"] and "Write 5 new questions" in recorder.question_requests[2]["messages"][0]["content"]
    assert len(recorder.answers) == 25 and len(rows) == 25 and progress[-1].made == 25
    assert [p.made for p in progress] == sorted(p.made for p in progress)  # one row at a time, in order
    assert progress[0].stage == "questions" and progress[-1].stage == "done" and stage_text("done") == "Done."
    assert len({row.question for row in rows}) == 25 and not any(r.question in dict(ZH_PAIRS) for r in rows)
    for row in rows:
        assert not row.error and row.row.line == 0 and row.row.origin == "generated" and row.passage == ""
        assert [m["role"] for m in row.messages] == ["system", "user", "assistant"]
        assert row.messages[0]["content"] == SHOP and CJK.search(row.question) and CJK.search(row.answer)
    # each answer was asked with the examples' system message and the examples as earlier turns
    first = recorder.answers[0]["messages"]
    assert first[0] == {"role": "system", "content": SHOP} and first[1]["content"] == ZH_PAIRS[0][0]
    assert len(first) == 1 + 2 * len(ZH_PAIRS) + 1


async def test_a_small_count_asks_once_for_just_that_many(client, recorder, zh_examples):
    _, rows = await collect(client, GrowRequest(zh_examples[:1], 3, "gpt-4o-mini", batch_size=10))
    assert len(recorder.question_requests) == 1 and "Write 3 new questions" in \
        recorder.question_requests[0]["messages"][0]["content"]
    assert len(rows) == 3


async def test_a_model_that_runs_out_of_new_questions_stops_after_a_few_more_tries(client, recorder):
    one = (chat_row("退货运费谁承担？", "质量问题由我们承担。"),)  # one subject: the Sandbox has 12 questions on it
    progress, rows = await collect(client, GrowRequest(one, 20, "gpt-4o-mini", batch_size=10))
    assert len(rows) == 12 and not any(r.error for r in rows) and progress[-1].stage == "done"
    assert len(recorder.question_requests) == 4  # the two planned, then two that bring nothing new


async def test_later_batches_are_told_what_was_written(client, recorder, zh_examples):
    _, rows = await collect(client, GrowRequest(zh_examples, 8, "gpt-4o-mini", batch_size=4))
    later = recorder.question_requests[1]["messages"][1]["content"]
    assert "Already written, do not repeat:" in later
    assert sum(row.question in later for row in rows) == 4


async def test_cancelling_midway_keeps_the_rows_already_made(client, server, zh_examples):
    server.set_faults(Faults(answer_delay=0.05))
    rows = []

    async def consume():
        async for progress in grow(client, GrowRequest(zh_examples, 20, "gpt-4o-mini", concurrency=1)):
            rows.extend(progress.new_rows)

    async def three_rows():
        return len(rows) >= 3

    async def nothing_left_running():
        return not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    task = asyncio.create_task(consume())
    await eventually(three_rows)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    kept = list(rows)
    assert 3 <= len(kept) < 20 and all(r.answer and not r.error for r in kept)
    await eventually(nothing_left_running)  # every request of the run was stopped
    assert rows == kept


async def test_cost_is_estimated_before_and_counted_during(client, zh_examples):
    request = GrowRequest(zh_examples, 12, "gpt-4o-mini")
    before = estimate_cost(request)
    assert before.input_tokens > 0 and before.output_tokens > 0 and not before.done
    price = chat_price("gpt-4o-mini")
    assert before.usd == pytest.approx((before.input_tokens * price.input + before.output_tokens * price.output) / 1e6)
    progress, _ = await collect(client, request)
    spent = [p.cost for p in progress]
    assert [c.input_tokens for c in spent] == sorted(c.input_tokens for c in spent)
    assert spent[0].input_tokens == 0 and not spent[-2].done and spent[-1].done
    assert before.input_tokens / 3 < spent[-1].input_tokens < before.input_tokens * 3
    assert before.output_tokens / 3 < spent[-1].output_tokens < before.output_tokens * 3
    assert estimate_cost(GrowRequest(zh_examples, 12, "glm-4-flash")).usd is None  # no price known


async def test_a_model_writing_malformed_lists_gives_rows_with_errors(client, server, zh_examples):
    server.set_faults(Faults(malformed_output=True))
    progress, rows = await collect(client, GrowRequest(zh_examples, 25, "gpt-4o-mini"))
    assert progress[-1].stage == "done" and 1 <= len(rows) <= 25
    assert all(r.error.startswith("The model's reply was not a list of questions: “Sure! Here are") for r in rows)
    assert all(not r.answer and not r.question for r in rows)


async def test_malformed_answers_and_a_failed_request_are_errors_of_their_rows(client, server, recorder,
                                                                                zh_examples):
    recorder.on_answer = lambda: server.set_faults(Faults(malformed_output=True, status=500, times=1))
    _, rows = await collect(client, GrowRequest(zh_examples, 6, "gpt-4o-mini", batch_size=6))
    assert len(rows) == 6 and all(r.question and not r.answer for r in rows)
    errors = sorted(r.error for r in rows)
    assert errors[0] == "The model stopped at its token limit before writing an answer."
    assert errors.count("The server had a problem (500).") == 1


async def test_a_failure_of_the_whole_service_is_raised(client, server, zh_examples):
    server.set_faults(Faults(status=401))
    with pytest.raises(APIStatusError) as raised:
        await collect(client, GrowRequest(zh_examples, 5, "gpt-4o-mini"))
    assert raised.value.status == 401


async def test_grows_from_a_document_with_answers_from_its_passages(client, recorder):
    passages = split_passages(read_document(DATA / "shop_policy.md"), 400)
    _, rows = await collect(client, GrowRequest((), 8, "gpt-4.1-mini", passages=passages))
    assert len(rows) == 8 and len(recorder.question_requests) == len(passages)  # two questions per passage
    assert {r.passage for r in rows} == set(passages)
    for row in rows:
        assert not row.error and [m["role"] for m in row.messages] == ["user", "assistant"]
        assert row.answer in row.passage.replace("\n", " ") or row.answer == "The text does not say."


async def test_rows_close_to_the_file_or_to_each_other_are_noted(client, zh_examples):
    request = GrowRequest(zh_examples, 10, "gpt-4o-mini")
    _, first = await collect(client, request)
    existing = [*zh_examples, *(r.row for r in first)]
    _, again = await collect(client, request, existing)  # the Sandbox writes the same questions again
    assert {r.question for r in again} == {r.question for r in first}
    numbers = {r.question: i + len(zh_examples) + 1 for i, r in enumerate(first)}
    assert all(r.similar_to == f"Close to row {numbers[r.question]} (100%)" and r.similarity == 1.0 for r in again)


def test_requests_that_cannot_start_say_why(zh_examples):
    for request in (GrowRequest((), 5, "gpt-4o-mini"), GrowRequest(zh_examples, 0, "gpt-4o-mini"),
                    GrowRequest(zh_examples, 5, "davinci-002")):
        with pytest.raises(GrowError):
            asyncio.run(anext(grow(None, request)))
    assert estimate_cost(GrowRequest((chat_row("Hi", "Hello"),), 1, "gpt-4o-mini")).usd > 0
