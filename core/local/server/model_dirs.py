"""Which folders on this computer a model name stands for: a downloaded catalogue model, a model folder given by its
full path, a fine-tuned model (its base plus the job's adapter) or one of its checkpoints."""

from __future__ import annotations

from pathlib import Path

from core.local import catalogue
from core.local.job_files import ADAPTER_DIR
from core.local.server.context import Local
from core.local.server.errors import bad_request, missing_model


def _is_model_folder(name: str) -> bool:
    """Whether ``name`` is the full path of a folder holding config.json (a name too long or with a NUL is not)."""
    try:
        path = Path(name)
        return path.is_absolute() and (path / "config.json").is_file()
    except (OSError, ValueError):
        return False


def base_folder(local: Local, model: str) -> tuple[Path, str] | None:
    """(folder, base name) of a base model: a downloaded catalogue model, or a model folder given by path; None when
    ``model`` is neither."""
    installed = catalogue.installed_folder(local.models_dir, model)
    if installed is not None:
        return installed, model
    if _is_model_folder(model):
        folder = Path(model).resolve()
        return folder, folder.name.replace(":", "-") or "model"
    return None


def trainable_folder(local: Local, model: str) -> tuple[Path, str]:
    """``base_folder`` for a new job, or a 400 that says how to get one."""
    found = base_folder(local, model)
    if found is not None:
        return found
    if catalogue.find(model) is not None:
        raise bad_request(f"Model {model} is not downloaded to this computer yet; download it first.", "model",
                          "model_not_available")
    raise bad_request(f"Model {model[:300]} is neither a downloaded catalogue model nor the full path of a model "
                      "folder holding config.json.", "model", "model_not_available")


def answer_folders(local: Local, model_id: str) -> tuple[str, str | None]:
    """(base model folder, adapter folder or None) that answer as ``model_id``; 404 when there are none."""
    state = local.state
    with state.lock:
        own = state.models.get(model_id)
        if own is not None and own.job_id in state.jobs:
            job = state.jobs[own.job_id]
            adapter = state.job_folder(job.id) / ADAPTER_DIR
            if adapter.is_dir():
                return job.model_dir, str(adapter)
        for job in state.jobs.values():
            for checkpoint in job.checkpoints:
                folder = state.job_folder(job.id) / checkpoint["path"]
                if checkpoint["fine_tuned_model_checkpoint"] == model_id and folder.is_dir():
                    return job.model_dir, str(folder)
    found = base_folder(local, model_id) or _base_of_a_job(local, model_id)
    if found is None:
        raise missing_model(model_id)
    return str(found[0]), None


def _base_of_a_job(local: Local, name: str) -> tuple[Path, str] | None:
    """The model folder a job trained from, by the base name its fine-tuned model carries (``ft:<name>:local:…``),
    so a model trained from a folder on disk can be compared with its base."""
    with local.state.lock:
        folders = [Path(job.model_dir) for job in local.state.jobs.values()]
    return next(((folder, name) for folder in folders
                 if folder.name.replace(":", "-") == name and (folder / "config.json").is_file()), None)
