"""The models of a profile: which are yours (fine-tuned), what they came from, and deleting them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import from_exception

if TYPE_CHECKING:
    import openai


@dataclass(frozen=True)
class ModelInfo:
    id: str
    created: int
    owned_by: str
    base: str = ""  # fine-tuned models: the model they were trained from
    suffix: str = ""
    job_id: str = ""

    @property
    def fine_tuned(self) -> bool:
        return self.id.startswith("ft:")


def parse_fine_tuned(model_id: str) -> tuple[str, str]:
    """(base, suffix) of ``ft:base:org:suffix:id`` (checkpoints add ``:ckpt-step-N``)."""
    parts = model_id.split(":")
    if len(parts) < 5 or parts[0] != "ft":
        return "", ""
    return parts[1], parts[3]


async def list_models(client: openai.AsyncOpenAI) -> list[ModelInfo]:
    """Fine-tuned models first (newest first), then the others by name; each with its job when known."""
    try:
        models = (await client.models.list()).data
        jobs = (await client.fine_tuning.jobs.list(limit=100)).data
    except Exception as exc:
        raise from_exception(exc) from exc
    job_of = {job.fine_tuned_model: job.id for job in jobs if job.fine_tuned_model}
    found = [ModelInfo(m.id, m.created, m.owned_by, *parse_fine_tuned(m.id), job_of.get(m.id, "")) for m in models]
    return (sorted((m for m in found if m.fine_tuned), key=lambda m: -m.created)
            + sorted((m for m in found if not m.fine_tuned), key=lambda m: m.id))


async def delete_model(client: openai.AsyncOpenAI, model_id: str) -> None:
    try:
        await client.models.delete(model_id)
    except Exception as exc:
        raise from_exception(exc) from exc


async def training_markers(client: openai.AsyncOpenAI, model_id: str) -> tuple[str, str]:
    """(separator, stop) found in the training data of the job that made ``model_id``; ("", "") if unknown."""
    from core.dataset.check import completion_markers
    from core.dataset.io import parse_lines

    try:
        jobs = (await client.fine_tuning.jobs.list(limit=100)).data
        job = next((j for j in jobs if j.fine_tuned_model and model_id.startswith(j.fine_tuned_model)), None)
        if job is None:
            return "", ""
        content = (await client.files.content(job.training_file)).read().decode("utf-8", errors="replace")
    except Exception:
        return "", ""  # a hint only: the user can still type them
    return completion_markers([row for batch in parse_lines(content) for row in batch])
