"""Running a validation set against trained and base models."""

import openai
import pytest

from core.dataset.model import Row
from core.evaluate import cases_from_rows, outcomes_csv, run_cases, similarity
from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl, wait_for_job


def test_cases_similarity_and_sampling():
    rows = [Row(i + 1, r) for i, r in enumerate(chat_rows(12, "zh"))] + [Row(13, None, "{", "e")]
    cases = cases_from_rows(rows)
    assert len(cases) == 12 and cases[0].question == "第0号产品多少钱？" and cases[0].expected == "第0号产品售价0元。"
    assert len(cases_from_rows(rows, sample=5, seed=1)) == 5
    assert similarity("第3号产品售价30元。", "第3号产品售价30元。") == 1.0
    assert 0 < similarity("第3号产品售价30元。", "第3号产品售价40元。") < 1
    assert similarity("abc", "") == 0.0


@pytest.fixture
def trained_model():
    with SandboxServer(job_seconds=0.5) as server, openai.OpenAI(api_key="k", base_url=server.base_url) as sync:
        file = sync.files.create(file=("t.jsonl", jsonl(chat_rows(12, "zh"))), purpose="fine-tune")
        job = wait_for_job(sync, sync.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id).id)
        yield server, job.fine_tuned_model


async def test_the_trained_model_scores_better_than_its_base(trained_model):
    server, model = trained_model
    rows = [Row(i + 1, r) for i, r in enumerate(chat_rows(12, "zh"))]
    seen = []
    async with openai.AsyncOpenAI(api_key="k", base_url=server.base_url, max_retries=0) as client:
        outcomes = await run_cases(client, cases_from_rows(rows), [model, "gpt-4o-mini"],
                                   lambda index, outcome: seen.append(index), concurrency=3)
    assert sorted(seen) == list(range(12))
    assert all(o.scores[0] == 1.0 and o.scores[1] < 0.5 for o in outcomes)
    text = outcomes_csv(outcomes, [model, "gpt-4o-mini"])
    assert text.splitlines()[0].startswith("question,expected,") and "第0号产品售价0元。" in text
