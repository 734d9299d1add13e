"""Starting a fine-tuning job, the one workflow both front-ends run: check the files as the provider will
(for the chosen model and method, validation file and overlap included), convert them to the UTF-8 JSONL
that is uploaded, estimate, ask the front-end to confirm, upload with progress, then create the job once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from core.dataset.check import CheckReport, row_key
from core.dataset.estimate import Estimate, estimate
from core.dataset.io import read_rows
from core.dataset.model import Format, SourceInfo
from core.dataset.parallel import check_file
from core.dataset.sources import describe
from core.dataset.upload_copy import upload_copy
from core.errors import CoreError
from core.i18n import tr
from core.providers.base import Access, Provider, check_size, check_suffix, model_name_preview
from core.providers.records import Hyperparameters, Job, JobRequest

# Counts that matter for a training file but not for a validation file.
_TRAINING_ONLY = {"too_few_examples", "few_examples", "missing_system"}


class Step(StrEnum):
    CHECKING = "checking"
    UPLOADING = "uploading"
    STARTING = "starting"  # the job is being created: it can no longer be stopped from here


@dataclass(frozen=True)
class StartRequest:
    training: Path
    model: str
    validation: Path | None = None
    suffix: str = ""
    method: str = "supervised"
    hyperparameters: Hyperparameters = Hyperparameters()
    seed: int | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PreparedFile:
    """A file as it will be uploaded: the user's own, or a converted copy of it."""

    source: Path
    upload: Path
    report: CheckReport
    converted: str  # what was converted ("" when the file is uploaded as it is)


@dataclass(frozen=True)
class StartPlan:
    """What the user is asked to confirm before anything is uploaded or billed."""

    training: PreparedFile
    validation: PreparedFile | None
    cost: Estimate
    model_name: str  # what the new model will be called
    suffix: str
    seconds: float | None = None  # how long training should take, where the provider can tell (this computer)
    billed: bool = True  # False where training costs nothing but time (this computer)


Confirm = Callable[[StartPlan], Awaitable[bool]]
OnStep = Callable[[Step, str], None]
OnBytes = Callable[[int, int], None]


def problems_text(report: CheckReport, shown: int = 8) -> str:
    errors = report.errors
    lines = [(tr("line {n}").format(n=p.line) if p.line else tr("file")) + f": {p.message}" for p in errors[:shown]]
    more = len(errors) - shown
    return "\n".join(lines) + ("\n" + tr("… and {n} more").format(n=more) if more > 0 else "")


def _conversion(info: SourceInfo, report: CheckReport) -> str:
    """Why the file cannot be uploaded as it is ("" when it can)."""
    converted = describe(report.origins, report.notes, report.format.value)
    if converted:
        return converted
    if info.kind != "jsonl":
        return tr("{kind} → JSONL").format(kind=info.kind.upper())
    if info.encoding not in ("utf-8", "utf-8-sig"):
        return tr("{encoding} → UTF-8").format(encoding=info.encoding)
    return ""


def _check(path: Path, model: str, method: str, validation_keys: set[bytes] | None = None
           ) -> tuple[CheckReport, SourceInfo]:
    expected = Format.DPO if method == "dpo" else Format.UNKNOWN
    return check_file(path, model, expected, method=method, validation_keys=validation_keys)


def _prepare(path: Path, report: CheckReport, info: SourceInfo, what: str) -> PreparedFile:
    if report.errors:
        raise CoreError(tr("{what} {name} has {n} errors; fix them before training (the Dataset tab helps).").format(
            what=what, name=path.name, n=len(report.errors)), problems_text(report))
    converted = _conversion(info, report)
    upload = upload_copy(path, read_rows(path)[0]) if converted else path
    return PreparedFile(path, upload, report, converted)


def _validation_only(report: CheckReport) -> CheckReport:
    return replace(report, problems=tuple(p for p in report.problems if p.code not in _TRAINING_ONLY))


def prepare(request: StartRequest) -> tuple[PreparedFile, PreparedFile | None]:
    """Check (and where needed convert) the training and validation files; raises CoreError with the
    problems when either cannot be used. Slow for big files: run it in a thread."""
    validation, keys = None, None
    if request.validation is not None:
        report, info = _check(request.validation, request.model, request.method)
        validation = _prepare(request.validation, _validation_only(report), info, tr("The validation file"))
        keys = {row_key(row) for row in read_rows(validation.upload)[0]}
    report, info = _check(request.training, request.model, request.method, keys)
    return _prepare(request.training, report, info, tr("The training file")), validation


async def check_access(provider: Provider) -> None:
    """Raise CoreError, before anything is uploaded or billed, when the provider says this account can no
    longer create jobs (the zero-cost probe); an unclear answer lets the start go on."""
    try:
        access = await provider.training_access()
    except CoreError:
        return  # the start itself will show what is wrong with the connection
    if access is not None and access.access == Access.NEEDS_SETUP:
        raise CoreError(tr("Training on this computer needs an optional part that is not installed."), access.detail)
    if access is not None and access.access == Access.CLOSED:
        raise CoreError(tr("This account can no longer create fine-tuning jobs, so nothing was uploaded."),
                        tr("Export your jobs and files, then add a profile for another provider in Settings and "
                           "train there."), access.detail)


async def start_job(provider: Provider, request: StartRequest, confirm: Confirm,
                    on_step: OnStep | None = None, on_bytes: OnBytes | None = None) -> Job | None:
    """The created job, or None when the user said no before anything was uploaded or billed."""
    step = on_step or (lambda _step, _message: None)
    if not request.model.strip():
        raise CoreError(tr("Choose a training file and a base model first."), "")
    suffix = check_suffix(request.suffix, provider.capabilities)
    await check_access(provider)
    step(Step.CHECKING, tr("Checking {name}…").format(name=request.training.name))
    training, validation = await asyncio.to_thread(prepare, request)
    for prepared in (training, validation):
        if prepared is not None:
            check_size(prepared.upload, provider.capabilities)  # before the cost question: it could not be sent
    report = training.report
    cost = estimate(request.model, report.tokens.total, report.examples, request.hyperparameters.n_epochs)
    plan = StartPlan(training, validation, cost, model_name_preview(request.model, suffix, provider.capabilities),
                     suffix, await provider.training_seconds(request.model, cost.billed_tokens),
                     provider.capabilities.billed)
    if not await confirm(plan):
        return None
    step(Step.UPLOADING, tr("Uploading {name}…").format(name=training.upload.name))
    uploaded = await provider.upload(training.upload, on_bytes)
    validation_id = None
    if validation is not None:
        step(Step.UPLOADING, tr("Uploading {name}…").format(name=validation.upload.name))
        validation_id = (await provider.upload(validation.upload, on_bytes)).id
    step(Step.STARTING, tr("Starting the job…"))
    return await provider.create_job(JobRequest(request.model, uploaded.id, validation_id, suffix or None,
                                                request.method, request.hyperparameters, request.seed,
                                                dict(request.metadata)))
