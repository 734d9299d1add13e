"""Starting a job from the form: check the file with the engine, confirm the cost and the model name,
upload with progress, then create the job once."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from core.dataset.estimate import estimate
from core.dataset.parallel import check_file
from core.errors import CoreError
from core.i18n import tr
from core.providers.base import Provider, check_size, check_suffix, model_name_preview
from core.training.records import Job, JobRequest
from gui.widgets.dialogs import Button, ask

if TYPE_CHECKING:
    from gui.training_tab import TrainingTab


def _problems_text(report: object) -> str:
    errors = report.errors  # type: ignore[attr-defined]
    lines = [(tr("line {n}").format(n=p.line) if p.line else tr("file")) + f": {p.message}" for p in errors[:8]]
    return "\n".join(lines) + (("\n" + tr("… and {n} more").format(n=len(errors) - 8)) if len(errors) > 8 else "")


async def start_job(tab: TrainingTab, training: Provider) -> Job | None:
    """The created job, or None when the user stopped before anything was billed."""
    form = tab.form
    path, model = form.training_path(), form.model_combo.currentText().strip()
    if path is None or not model:
        raise CoreError(tr("Choose a training file and a base model first."), "")
    suffix, metadata = check_suffix(form.suffix_edit.text(), training.capabilities), form.metadata()
    tab.set_busy(True, tr("Checking the file…"))
    report, _ = await asyncio.get_running_loop().run_in_executor(None, check_file, path, model)
    if not report.usable:
        raise CoreError(tr("{name} has {n} errors; fix them before training (the Dataset tab helps).").format(
            name=path.name, n=len(report.errors)), _problems_text(report))
    check_size(path, training.capabilities)  # before the cost question: a file too large cannot be sent
    hyper = form.hyperparameters()
    cost = estimate(model, report.tokens.total, report.examples, hyper.n_epochs)
    price = f"${cost.usd:,.2f}" if cost.usd is not None else tr("an unknown amount (no price for this model)")
    answer = await ask(tab, tr("Start training?"), tr(
        "Train {model} on {n} examples for {epochs} epochs: about {billed} billed tokens, {price}.").format(
            model=model, n=f"{report.examples:,}", epochs=cost.epochs, billed=f"{cost.billed_tokens:,}", price=price),
        Button.Yes | Button.Cancel, Button.Cancel,
        tr("Prices as of {date}; this is an estimate. The new model will be called {name}.").format(
            date=cost.prices_as_of, name=model_name_preview(model, suffix, training.capabilities)))
    if answer != Button.Yes:
        return None

    def progress(done: int, total: int) -> None:
        tab.progress.setValue(int(done / max(total, 1) * 1000))

    tab.set_busy(True, tr("Uploading {name}… %p%").format(name=path.name))
    uploaded = await training.upload(path, progress)
    validation = form.validation_path()
    validation_id = (await training.upload(validation, progress)).id if validation else None
    tab.set_busy(True, tr("Starting the job…"), cancellable=False)
    return await training.create_job(JobRequest(model, uploaded.id, validation_id, suffix or None, form.method(),
                                                 hyper, form.seed_value(), metadata))
