"""Surprising payloads — unknown statuses, extra or missing fields, numbers as text, odd types — never
crash the app: they show up as blanks or as "unknown (the provider's word)"."""

from __future__ import annotations

import pytest

from core.providers.bailian_payloads import deployment_from_bailian, events_from_logs, job_from_bailian
from core.providers.openai_api import STATUSES
from core.providers.payloads import checkpoint_from_openai, event_from_openai, job_from_openai
from gui.item_models.jobs_table_model import status_text
from tests.providers.conftest import BASE_MODELS

ODD_VALUES = [None, "", "n/a", 3.5, [], {}, ["x"], {"nested": {"deep": [1, 2]}}, True, "2024-10-29 16:53:53"]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_any_field_may_hold_anything(value):
    fields = ("id", "model", "status", "created_at", "finished_at", "fine_tuned_model", "trained_tokens",
              "training_file", "validation_file", "result_files", "error", "method", "metadata", "estimated_finish",
              "job_id", "create_time", "end_time", "usage", "training_file_ids", "finetuned_output", "message",
              "data", "level", "step_number", "metrics", "deployed_model", "model_name")
    payload = dict.fromkeys(fields, value) | {"surprise": {"new": "field"}}
    for reader in (lambda p: job_from_openai(p, STATUSES), job_from_bailian, event_from_openai,
                   checkpoint_from_openai, deployment_from_bailian):
        reader(payload)
        reader({})
        reader(value)


def test_unknown_statuses_are_kept_and_shown_not_guessed_wrong():
    job = job_from_openai({"id": "j", "status": "ARCHIVING", "created_at": "1700000000"}, STATUSES)
    assert (job.status, job.raw_status, job.created_at, job.finished) == ("unknown", "ARCHIVING", 1_700_000_000, False)
    assert status_text(job.status, job.raw_status) == "unknown (ARCHIVING)"
    assert job_from_openai({"status": "Cancelled_By_User"}, STATUSES).status == "cancelled"
    assert job_from_bailian({"status": "CANCELING"}).status == "cancelling"
    assert job_from_bailian({"status": "SUCCEEDED", "create_time": "2024-10-29 16:53:53", "usage": "279808"}) \
        .trained_tokens == 279_808


def test_log_lines_of_any_shape_become_events_and_a_curve():
    from core.providers.bailian_payloads import points_from_logs

    lines = ["2024-10-29 17:11:25,130 - INFO - {'loss': 1.5, 'learning_rate': 1e-05, 'epoch': 0.5}",
             "{'eval_loss': 1.7, 'epoch': 0.5}", None, 42, {"odd": "dict"}, "step: 7, loss = 0.9",
             "{'train_runtime': 216.4, 'train_loss': 0.91, 'epoch': 1.0}", "Traceback: ERROR in worker"]
    events = events_from_logs("ft-1", lines)
    assert len(events) == len(lines) and events[-1].level == "error" and events[0].created_at > 0
    points = points_from_logs(events)
    assert [(p.step, p.train_loss, p.valid_loss) for p in points] == [(1, 1.5, 1.7), (7, 0.9, None)]


@pytest.mark.parametrize("dialect_server", ["zhipu", "bailian"], indirect=True)
async def test_a_status_nobody_told_us_about_over_http(dialect_server, provider, data):
    from core.providers.records import JobRequest

    job = await provider.create_job(JobRequest(BASE_MODELS[dialect_server.dialect], (await provider.upload(data)).id))
    dialect_server.app.state.sandbox.state.jobs[job.id].status = "archiving"
    found = await provider.get_job(job.id)
    assert found.status == "unknown" and found.raw_status.lower() == "archiving" and not found.finished
    jobs, _ = await provider.list_jobs()
    assert jobs[0].raw_status.lower() == "archiving"
