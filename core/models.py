"""The models of a profile as every provider adapter reports them: which are yours, what they came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.providers.records import Job


@dataclass(frozen=True)
class ModelInfo:
    id: str
    created: int
    owned_by: str
    base: str = ""  # fine-tuned models: the model they were trained from
    suffix: str = ""
    job_id: str = ""
    fine_tuned: bool = False  # made by this account's fine-tuning
    shutdown: str = ""  # YYYY-MM-DD the provider announces in /models (`shutdown_date`), if any


def parse_fine_tuned(model_id: str) -> tuple[str, str]:
    """(base, suffix) of OpenAI's ``ft:base:org:suffix:id`` (checkpoints add ``:ckpt-step-N``)."""
    parts = model_id.split(":")
    if len(parts) < 5 or parts[0] != "ft":
        return "", ""
    return parts[1], parts[3]


def made_by(jobs: Iterable[Job]) -> list[ModelInfo]:
    """The models the succeeded jobs made (for providers that list fine-tuned models only through their jobs)."""
    return [ModelInfo(j.fine_tuned_model, j.finished_at or j.created_at, "", j.model, "", j.id, fine_tuned=True)
            for j in jobs if j.status == "succeeded" and j.fine_tuned_model]


def in_order(models: Iterable[ModelInfo]) -> list[ModelInfo]:
    """Fine-tuned models first (newest first), then the others by name."""
    found = list(models)
    return (sorted((m for m in found if m.fine_tuned), key=lambda m: -m.created)
            + sorted((m for m in found if not m.fine_tuned), key=lambda m: m.id))
