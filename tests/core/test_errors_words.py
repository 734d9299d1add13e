"""What the user is told for each kind of server error, checked against small servers on 127.0.0.1 that answer
with the exact error bodies the real services send."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from core.errors import APIStatusError, CoreError, file_error
from core.providers import provider_for
from core.providers.openai_api import OpenAIProvider
from core.providers.records import JobRequest
from core.settings import ProfileKind, new_profile
from tests.servers import QuietHandler, error_body, serve

WINDING_DOWN = "does not let this account start fine-tuning jobs"


def create_answering(status: int, body: str):
    """A server whose POST /v1/fine_tuning/jobs answers ``status`` with ``body``."""

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            data = body.encode()
            self.reply(status, data)


    return serve(Handler)


async def create_job_error(status: int, body: str, model: str = "gpt-4o-mni") -> CoreError:
    with create_answering(status, body) as origin:
        profile = replace(new_profile(ProfileKind.COMPATIBLE, "x"), base_url=origin + "/v1")
        provider = provider_for(profile, "sk-test-0123456789")
        assert isinstance(provider, OpenAIProvider)
        try:
            with pytest.raises(CoreError) as caught:
                await provider.send_job(JobRequest(model, "file-abc"), "client-1")
        finally:
            await provider.close()
    return caught.value


@pytest.mark.parametrize("model", ["gpt-4o-mni", "ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB"])
async def test_an_unknown_model_or_a_checkpoint_id_is_named_not_a_refusal(model):
    # OpenAI's answer to a model it cannot fine-tune (a typo, a checkpoint id given as the model).
    body = error_body(f"Model {model} is not available for fine-tuning or does not exist.", "model_not_available")
    body = json.dumps({"error": {**json.loads(body)["error"], "param": "model"}})
    error = await create_job_error(400, body, model)
    assert WINDING_DOWN not in error.user_message and "winding down" not in error.hint
    assert model in error.user_message and "checkpoint" in error.hint and "ft:" in error.hint


async def test_the_same_words_without_code_or_param_are_still_about_the_model():
    error = await create_job_error(400, json.dumps({"error": {
        "message": "Model gpt-4o-mni is not available for fine-tuning or does not exist.",
        "type": "invalid_request_error"}}))
    assert WINDING_DOWN not in error.user_message and "gpt-4o-mni" in error.user_message


async def test_a_missing_training_file_is_not_called_a_model_problem():
    body = json.dumps({"error": {"message": "Invalid file 'file-abc': it does not exist or its purpose is not "
                                            "fine-tune.", "type": "invalid_request_error", "param": "training_file",
                                 "code": "invalid_file"}})
    error = await create_job_error(400, body)
    assert isinstance(error, APIStatusError) and "Invalid file 'file-abc'" in error.user_message
    assert WINDING_DOWN not in error.user_message and "gpt-4o-mni" not in error.user_message


async def test_a_real_refusal_still_says_so():
    body = error_body("Fine-tuning job creation is not available for this organization.", "fine_tuning_unavailable")
    error = await create_job_error(403, body)
    assert WINDING_DOWN in error.user_message


async def test_a_key_without_the_scope_is_not_called_a_refusal():
    body = error_body("You have insufficient permissions for this operation. Missing scopes: "
                      "api.fine_tuning.jobs.write. Check that you have the correct role in your organization.")
    error = await create_job_error(403, body)
    assert WINDING_DOWN not in error.user_message and "403" in error.user_message


def test_an_error_without_a_file_name_does_not_name_an_empty_file():
    error = file_error(BrokenPipeError(32, "Broken pipe"))
    assert error.user_message == "A file could not be read or written (Broken pipe)."
    named = file_error(PermissionError(13, "Permission denied", "/data/out.jsonl"))
    assert named.user_message == "The file out.jsonl could not be read or written (Permission denied)."
