"""Retrain elsewhere: re-create a fine-tuning job (found by its id or its fine-tuned model's name) on another
provider. The original training and validation files are fetched while the provider still has them (or read
from a folder `export` wrote), saved in the cache, and handed to the start workflow, which converts them to the
target's rules (encoding, format, size) and asks for confirmation with the estimate. The closest base model the
target offers is chosen from a table (the reason goes with it; the user may choose another), hyperparameters
are carried over where the target has them, and the new job is labelled with the old one's id."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.errors import CoreError
from core.fileio import write_atomically
from core.i18n import tr
from core.paths import cache_dir
from core.providers.base import Provider
from core.providers.closest import BaseChoice, closest_base
from core.providers.records import Hyperparameters, Job
from core.training.export import all_jobs, inside, safe_name
from core.training.origins import MIGRATED_FROM, Origin, remember
from core.training.start import Confirm, OnBytes, OnStep, StartRequest, start_job


@dataclass(frozen=True)
class MigrationPlan:
    """Everything needed to re-create ``source`` on the target; ``base_model`` may be changed with ``choose``."""

    source: Job
    training: Path
    validation: Path | None
    base: BaseChoice
    hyperparameters: Hyperparameters
    method: str
    dropped: tuple[str, ...] = ()  # what the target cannot take (the validation file, DPO…), said to the user
    metadata: dict[str, str] = field(default_factory=dict)
    source_profile: str = ""  # the name of the profile the job was on ("" for an export folder)

    @property
    def base_model(self) -> str:
        return self.base.model

    def choose(self, model: str) -> MigrationPlan:
        """The plan with another base model (the user's choice)."""
        model = model.strip()
        if not model:
            return self
        return replace(self, base=BaseChoice(model, tr("your choice") if model != self.base.model else self.base.reason,
                                             self.base.alternatives))

    def request(self) -> StartRequest:
        return StartRequest(self.training, self.base_model, self.validation, "", self.method, self.hyperparameters,
                            None, dict(self.metadata))


async def find_job(provider: Provider, job_or_model: str) -> Job:
    """The job with this id, or the one that made this fine-tuned model."""
    wanted = job_or_model.strip()
    for job in await all_jobs(provider):
        if wanted in (job.id, job.fine_tuned_model):
            return job
    try:
        return await provider.get_job(wanted)
    except CoreError as error:
        raise CoreError(tr("No job or fine-tuned model “{name}” was found.").format(name=wanted),
                        tr("Give a job id or a fine-tuned model name from this profile."), error.detail) from error


def _job_record(data: dict[str, Any]) -> Job:
    hyper = data.pop("hyperparameters", None) or {}
    known = {name for name in Job.__dataclass_fields__}
    values = {k: v for k, v in data.items() if k in known}
    values["result_files"] = tuple(values.get("result_files") or ())
    values["metadata"] = dict(values.get("metadata") or {})
    return Job(**values, hyperparameters=Hyperparameters(**{k: v for k, v in hyper.items()
                                                            if k in Hyperparameters.__dataclass_fields__}))


def _from_export(folder: Path, job_or_model: str) -> tuple[Job, Path, Path | None]:
    """The job and its saved files from a folder `export` wrote."""
    try:
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        entry = next(e for e in index if job_or_model in (e.get("id"), e.get("fine_tuned_model")))
        saved = inside(folder, str(entry["folder"]))
        job = _job_record(json.loads((saved / "job.json").read_text(encoding="utf-8")))
    except StopIteration:
        raise CoreError(tr("{name} is not in the export folder {folder}.").format(name=job_or_model, folder=folder),
                        tr("Give a job id or a fine-tuned model name listed in its index.json.")) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CoreError(tr("{folder} is not a folder the export wrote.").format(folder=folder),
                        tr("Choose the folder that holds index.json."), str(exc)) from exc
    training = saved / "training.jsonl"
    if not training.is_file():
        raise CoreError(tr("The export folder has no training file for {id}.").format(id=job.id),
                        tr("The provider no longer had it when the export ran."))
    validation = saved / "validation.jsonl"
    return job, training, validation if validation.is_file() else None


async def _fetch(provider: Provider, job: Job) -> tuple[Path, Path | None]:
    """The job's training and validation files, downloaded into the cache."""
    folder = cache_dir() / "migrate" / safe_name(job.id)
    paths: list[Path | None] = []
    for name, file_id in (("training.jsonl", job.training_file), ("validation.jsonl", job.validation_file)):
        if not file_id:
            paths.append(None)
            continue
        try:
            content = await provider.file_content(file_id)
        except CoreError as error:
            raise CoreError(tr("The provider no longer gives the file {id} of job {job}.").format(
                                id=file_id, job=job.id),
                            tr("Retrain from a folder `export` saved, if you kept one."), error.detail) from error
        path = folder / name
        write_atomically(path, content, sync=False)
        paths.append(path)
    if paths[0] is None:
        raise CoreError(tr("Job {id} names no training file.").format(id=job.id), "")
    return paths[0], paths[1]


def _mapped(job: Job, target: Provider) -> Hyperparameters:
    """The job's hyperparameters as the target takes them (epochs, batch size, learning-rate multiplier; beta
    for DPO only). A DPO job cannot move to a target without DPO."""
    if job.method == "dpo" and not target.capabilities.supports_dpo:
        raise CoreError(tr("Job {id} trained with DPO, which the target profile does not offer.").format(id=job.id),
                        tr("Choose a profile whose provider offers DPO."))
    return job.hyperparameters if job.method == "dpo" else replace(job.hyperparameters, beta=None)


async def plan_migration(source: Provider | None, job_or_model: str, target: Provider,
                         export_folder: Path | None = None, model: str = "",
                         source_profile: str = "") -> MigrationPlan:
    """The plan to re-create the job on ``target``. Files come from ``export_folder`` when given (``source``
    may then be None), else from ``source`` (the profile named ``source_profile``) while it still has them."""
    if export_folder is not None:
        job, training, validation = _from_export(export_folder, job_or_model)
    elif source is None:
        raise CoreError(tr("Say where the job is: a source profile or an export folder."), "")
    else:
        job = await find_job(source, job_or_model)
        training, validation = await _fetch(source, job)
    hyper, dropped = _mapped(job, target), ()
    if validation is not None and not target.capabilities.supports_validation_file:
        validation, dropped = None, (tr("the validation file (the target does not take one)"),)
    offered = [m.id for m in await target.base_models() if not m.own]
    plan = MigrationPlan(job, training, validation, closest_base(job.model, offered), hyper, job.method, dropped,
                         {MIGRATED_FROM: job.id[:64]}, source_profile if export_folder is None else "")
    return plan.choose(model)


async def migrate(plan: MigrationPlan, target: Provider, confirm: Confirm, on_step: OnStep | None = None,
                  on_bytes: OnBytes | None = None, target_profile: str = "") -> Job | None:
    """Start the planned job on ``target`` through the start workflow (check, convert, estimate, confirm,
    upload, create once); None when the user said no. The link to the old job is kept in the store of
    ``target_profile`` (a profile id) when one is given, for providers that keep no metadata."""
    job = await start_job(target, plan.request(), confirm, on_step, on_bytes)
    if job is not None and target_profile:
        remember(target_profile, job.id, Origin(plan.source.id, old_model(plan), plan.source_profile))
    return job


def old_model(plan: MigrationPlan) -> str:
    """The model the old job made (what to compare the new one with), or its base model."""
    return plan.source.fine_tuned_model or plan.source.model
