"""Every error status, in the API's error envelope."""

import httpx2
import openai
import pytest

from tests.sandbox.conftest import chat_rows, jsonl, wait_for_job


def envelope(error: openai.APIStatusError) -> dict:
    body = error.response.json()["error"]
    assert set(body) == {"message", "type", "param", "code"}
    return body


def test_missing_key_is_401(server):
    response = httpx2.get(server.base_url + "/models", trust_env=False)
    assert response.status_code == 401
    assert "didn't provide an API key" in response.json()["error"]["message"]
    assert response.headers["x-sandbox"] == "no real model, nothing billed"


@pytest.mark.parametrize(("call", "code"), [
    (lambda c: c.fine_tuning.jobs.retrieve("ftjob-nope"), "fine-tuning job_not_found"),
    (lambda c: c.files.retrieve("file-nope"), "file_not_found"),
    (lambda c: c.models.retrieve("ft:gpt-4o-mini-2024-07-18:sandbox::nope"), "model_not_found"),
    (lambda c: c.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}]),
     "model_not_found"),
])
def test_unknown_ids_are_404(client, call, code):
    with pytest.raises(openai.NotFoundError) as info:
        call(client)
    assert envelope(info.value)["code"] == code


def test_deleting_a_base_model_is_403(client):
    with pytest.raises(openai.PermissionDeniedError) as info:
        client.models.delete("gpt-4o-mini-2024-07-18")
    assert envelope(info.value)["code"] == "insufficient_permissions"


@pytest.fixture
def file_id(client):
    return client.files.create(file=("train.jsonl", jsonl(chat_rows())), purpose="fine-tune").id


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"model": "gpt-2"}, "model"),
    ({"model": "ft:gpt-4o-mini-2024-07-18:sandbox::gone"}, "model"),
    ({"training_file": "file-missing"}, "training_file"),
    ({"suffix": "has spaces!"}, "suffix"),
    ({"suffix": "x" * 65}, "suffix"),
    ({"hyperparameters": {"n_epochs": 0}}, "hyperparameters.n_epochs"),
    ({"method": {"type": "supervised", "supervised": {"hyperparameters": {"learning_rate_multiplier": 0}}}},
     "hyperparameters.learning_rate_multiplier"),
    ({"method": {"type": "dpo", "dpo": {"hyperparameters": {"beta": 3}}}}, "hyperparameters.beta"),
    ({"seed": -1}, "seed"),
    ({"metadata": {"k": "v" * 600}}, "metadata"),
])
def test_bad_job_bodies_are_400_with_the_param(client, file_id, kwargs, param):
    arguments = {"model": "gpt-4o-mini", "training_file": file_id} | kwargs
    with pytest.raises(openai.BadRequestError) as info:
        client.fine_tuning.jobs.create(**arguments)
    assert envelope(info.value)["param"] == param


def test_unparseable_body_is_400(server):
    response = httpx2.post(server.base_url + "/fine_tuning/jobs", content=b"{not json",
                           headers={"Authorization": "Bearer sk-test", "Content-Type": "application/json"},
                           trust_env=False)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "We could not parse the JSON body of your request."


@pytest.mark.parametrize(("content", "words"), [
    (jsonl(chat_rows(1)) + b"\nnot json\n", "Line 2 is not valid JSON"),
    (b'{"text": "hello"}\n', "Line 1: expected 'messages'"),
    (jsonl(chat_rows(2)) + b'\n{"prompt": "a", "completion": "b"}', "Line 3 is a completion example"),
    (b'{"messages": [{"role": "user", "content": "hi"}]}', "no assistant message"),
    (b"", "The file is empty"),
    ("中文".encode("gbk"), "UTF-8"),
])
def test_bad_training_files_are_refused_at_upload(client, content, words):
    with pytest.raises(openai.BadRequestError) as info:
        client.files.create(file=("bad.jsonl", content), purpose="fine-tune")
    body = envelope(info.value)
    assert words in body["message"] and body["code"] == "invalid_file_format"


@pytest.mark.parametrize(("rows", "model", "code"), [
    (chat_rows(5), "gpt-4o-mini", "invalid_n_examples"),
    (chat_rows(12), "davinci-002", "invalid_file_format"),
])
def test_jobs_fail_on_files_the_model_cannot_use(client, rows, model, code):
    file = client.files.create(file=("t.jsonl", jsonl(rows)), purpose="fine-tune")
    job = wait_for_job(client, client.fine_tuning.jobs.create(model=model, training_file=file.id).id)
    assert job.status == "failed"
    assert job.error.code == code and job.error.param == "training_file"
    assert job.fine_tuned_model is None


def test_wrong_endpoint_for_the_model_is_404(client):
    with pytest.raises(openai.NotFoundError) as info:
        client.completions.create(model="gpt-4o-mini", prompt="hi")
    assert "chat model" in envelope(info.value)["message"]
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="davinci-002", messages=[{"role": "user", "content": "hi"}])


def test_unknown_path_is_404_in_the_envelope(server):
    response = httpx2.get(server.base_url + "/nothing/here", headers={"Authorization": "Bearer k"}, trust_env=False)
    assert response.status_code == 404 and "Invalid URL" in response.json()["error"]["message"]


def test_pagination_of_jobs_and_metadata_filter(client, file_id):
    ids = [client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file_id,
                                          metadata={"batch": "a" if i % 2 else "b"}).id for i in range(5)]
    first = client.fine_tuning.jobs.list(limit=2)
    assert [j.id for j in first.data] == ids[::-1][:2] and first.has_more
    second = client.fine_tuning.jobs.list(limit=2, after=first.data[-1].id)
    assert [j.id for j in second.data] == ids[::-1][2:4]
    assert [j.id for j in client.fine_tuning.jobs.list(limit=10)] == ids[::-1]
    tagged = client.fine_tuning.jobs.list(metadata={"batch": "a"})
    assert [j.id for j in tagged.data] == [ids[3], ids[1]]
