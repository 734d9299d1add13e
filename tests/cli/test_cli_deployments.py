"""`models deploy|undeploy` against a Sandbox that speaks a provider's dialect whose fine-tuned models answer only
once deployed (billed while deployed, so nothing happens without a yes)."""

import json

import pytest

from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl


@pytest.fixture
def trained(run_cli, tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_bytes(jsonl(chat_rows(12)))
    with SandboxServer(job_seconds=0.5, dialect="bailian") as server:
        connect = ("--base-url", server.base_url, "--provider", "bailian", "--api-key", "sk-test")
        result = run_cli("train", str(data), "--model", "qwen3-8b", "--suffix", "sums", "--yes", *connect)
        assert result.code == 0, result.err
        yield result.out.split("Your model: ")[1].strip(), connect


def test_a_model_is_deployed_answers_and_is_undeployed(run_cli, trained):
    model, connect = trained
    refused = run_cli("models", "deploy", model, *connect)  # no terminal, no --yes: nothing is billed
    assert refused.code == 1 and "Nothing was deployed." in refused.out and "bills" in refused.out

    deployed = run_cli("models", "deploy", model, "--yes", "--wait", "--interval", "0.05", *connect)
    assert deployed.code == 0, deployed.err
    assert f"Deploying {model} as " in deployed.out and deployed.out.splitlines()[-1].startswith("ready · ")
    [listed] = json.loads(run_cli("models", "list", "--fine-tuned", "--json", *connect).out)
    assert listed["id"] == model and listed["deployment"]["status"] == "ready"
    assert "ready · " in run_cli("models", "list", "--fine-tuned", *connect).out

    answer = run_cli("chat", model, "What is 3 plus 3?", *connect)  # asked under the deployment's name
    assert answer.code == 0, answer.err
    assert "3 plus 3 is 6." in answer.out

    kept = run_cli("models", "undeploy", model, *connect)
    assert kept.code == 1 and "Nothing was removed." in kept.out
    removed = run_cli("models", "undeploy", model, "--yes", *connect)
    assert removed.code == 0 and "no longer billed" in removed.out
    assert "deployment" not in json.loads(run_cli("models", "list", "--fine-tuned", "--json", *connect).out)[0]
    missing = run_cli("models", "undeploy", model, "--yes", *connect)
    assert missing.code == 2 and "has no deployment" in missing.err


def test_a_provider_without_deployments_says_so_before_asking(run_cli):
    with SandboxServer() as server:
        result = run_cli("models", "deploy", "ft:gpt-4o-mini-2024-07-18:sandbox::x", "--base-url", server.base_url,
                         "--api-key", "sk-test")
    assert result.code == 2 and "does not offer deploying" in result.err and "bills" not in result.out
