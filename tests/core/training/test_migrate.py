"""Retrain elsewhere against Sandboxes over HTTP: a job with a validation file trained on the OpenAI dialect,
re-created on each other dialect until it succeeds, from the provider and from an export folder."""

from __future__ import annotations

import pytest

from core.errors import CoreError
from core.providers import provider_for
from core.providers.closest import closest_base
from core.providers.records import Hyperparameters, JobRequest
from core.training.export import export_all
from core.training.jobs import watch
from core.training.migrate import migrate, old_model, plan_migration
from core.training.origins import MIGRATED_FROM
from core.training.start import StartPlan
from sandbox.server import SandboxServer
from tests.providers.conftest import BASE_MODELS, profile_for
from tests.sandbox.conftest import chat_rows, jsonl

TARGETS = ("azure", "zhipu", "bailian", "together", "fireworks")


async def _yes(plan: StartPlan) -> bool:
    return True


async def _finished(provider, job_id):
    """The job once it has ended, watched as the app watches it."""
    async for _ in watch(provider, job_id, interval=0.05):
        pass
    return await provider.get_job(job_id)


@pytest.fixture
async def trained(tmp_path):
    """An OpenAI-dialect Sandbox with one succeeded job (training + validation file, 2 epochs) and its adapter."""
    with SandboxServer(job_seconds=0.3) as server:
        source = provider_for(profile_for("openai", server.base_url), "sk-test")
        training, validation = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
        training.write_bytes(jsonl(chat_rows(12, "zh")))
        validation.write_bytes(jsonl(chat_rows(4, "en")))
        train_id = (await source.upload(training)).id
        valid_id = (await source.upload(validation)).id
        job = await source.create_job(JobRequest(BASE_MODELS["openai"], train_id, valid_id, "shop",
                                                 hyperparameters=Hyperparameters(n_epochs=2)))
        job = await _finished(source, job.id)
        assert job.status == "succeeded"
        yield source, job, training, validation
        await source.close()


@pytest.mark.parametrize("dialect", TARGETS)
async def test_a_job_is_retrained_on_each_other_dialect_until_it_succeeds(trained, dialect):
    source, job, training, validation = trained
    with SandboxServer(job_seconds=0.3, dialect=dialect) as server:
        target = provider_for(profile_for(dialect, server.base_url), "sk-test")
        try:
            plan = await plan_migration(source, job.fine_tuned_model, target)  # found from the model's name
            closest = {"together": "Qwen/Qwen3-8B", "fireworks": "accounts/fireworks/models/qwen3-8b"}
            assert plan.source.id == job.id and plan.base_model == closest.get(dialect, BASE_MODELS[dialect])
            assert plan.base.reason and plan.base_model in plan.base.alternatives
            assert plan.training.read_bytes() == training.read_bytes()
            assert plan.validation is not None and plan.validation.read_bytes() == validation.read_bytes()
            assert plan.hyperparameters.n_epochs == 2 and plan.metadata == {MIGRATED_FROM: job.id}
            assert old_model(plan) == job.fine_tuned_model
            shown = []

            async def confirm(start_plan: StartPlan) -> bool:
                shown.append(start_plan)
                return True

            new = await migrate(plan, target, confirm)
            assert new is not None and shown and shown[0].training.report.examples == 12
            done = await _finished(target, new.id)
            assert done.status == "succeeded" and done.fine_tuned_model
            assert done.model == plan.base_model
        finally:
            await target.close()


@pytest.mark.timeout(120)
async def test_a_job_is_retrained_on_this_computer_for_real(trained, tmp_path):
    from core.local.server.serve import LocalServer
    from core.providers.registry import spec_for
    from core.settings import new_profile
    from tests.local.tiny_model import make_tiny_model

    source, job, training, validation = trained
    tiny = make_tiny_model(tmp_path / "tiny-chat")
    with LocalServer(state_dir=tmp_path / "state", models_dir=tmp_path / "models") as server:
        target = provider_for(new_profile(spec_for("this_computer").kind, "This computer"), "local", server.base_url)
        try:
            plan = await plan_migration(source, job.id, target)
            assert plan.base_model == "Qwen/Qwen3-8B" and "8-billion" in plan.base.reason  # from the catalogue
            assert plan.validation is not None and plan.hyperparameters.n_epochs == 2
            shown = []

            async def confirm(start_plan: StartPlan) -> bool:
                shown.append(start_plan)
                return True

            new = await migrate(plan.choose(str(tiny)), target, confirm)  # the model folder the user has
            assert new is not None and not shown[0].billed and shown[0].cost.epochs == 2
            done = await _finished(target, new.id)
            assert done.status == "succeeded" and done.fine_tuned_model.startswith("ft:tiny-chat:local:")
        finally:
            await target.close()


async def test_from_an_export_folder_without_the_source(trained, tmp_path):
    source, job, training, validation = trained
    await export_all(source, tmp_path / "backup")
    with SandboxServer(job_seconds=0.3, dialect="zhipu") as server:
        target = provider_for(profile_for("zhipu", server.base_url), "sk-test")
        try:
            plan = await plan_migration(None, job.id, target, export_folder=tmp_path / "backup", model="glm-4-9b")
            assert plan.base_model == "glm-4-9b" and plan.hyperparameters.n_epochs == 2
            assert plan.training.read_bytes() == training.read_bytes()
            new = await migrate(plan, target, _yes)
            assert (await _finished(target, new.id)).status == "succeeded"
            with pytest.raises(CoreError, match="not in the export folder"):
                await plan_migration(None, "ftjob-nothing", target, export_folder=tmp_path / "backup")
        finally:
            await target.close()


async def test_saying_no_starts_nothing_and_unknown_jobs_are_named(trained):
    source, job, _, _ = trained
    plan = await plan_migration(source, job.id, source)
    assert plan.base_model == BASE_MODELS["openai"] and "same model" in plan.base.reason

    async def no(start_plan: StartPlan) -> bool:
        return False

    assert await migrate(plan, source, no) is None
    with pytest.raises(CoreError, match="No job or fine-tuned model"):
        await plan_migration(source, "ft:nothing", source)


def test_the_closest_model_table():
    assert closest_base("gpt-4o-mini-2024-07-18", ["glm-4-air-250414", "glm-4-flash"]).model == "glm-4-flash"
    assert closest_base("ft:gpt-4o-2024-08-06:org::x", ["qwen3-8b", "qwen3-32b"]).model == "qwen3-32b"
    assert closest_base("gpt-4.1-nano-2025-04-14", ["other"]).model == "other"
    with pytest.raises(CoreError):
        closest_base("gpt-4o-mini", [])
