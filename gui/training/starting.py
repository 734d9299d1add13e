"""The Training tab's side of starting a job: the form's choices go to core's start workflow, which asks
back through a dialog (cost, model name, converted files) and reports its steps on the progress bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from core.clock import duration_text
from core.errors import CoreError
from core.i18n import tr
from core.providers.base import Provider
from core.providers.records import Job
from core.training.start import StartPlan, StartRequest, Step, start_job
from gui.training.job_form import JobForm
from gui.widgets.dialogs import Button, ask

ShowStep = Callable[[str, bool], None]  # the progress bar's text; whether Cancel can still stop it
ShowProgress = Callable[[int, int], None]  # (done, total) of an upload


def plan_details(plan: StartPlan) -> str:
    """The small print under the cost question: prices' date, the model's name, files that were converted."""
    lines = [tr("Prices as of {date}; this is an estimate. The new model will be called {name}.").format(
        date=plan.cost.prices_as_of, name=plan.model_name) if plan.billed else
             tr("The time is an estimate for this computer. The new model will be called {name}.").format(
                 name=plan.model_name)]
    for prepared in (plan.training, plan.validation):
        if prepared is not None and prepared.converted:
            lines.append(tr("{name} is uploaded as {upload} ({what}).").format(
                name=prepared.source.name, upload=prepared.upload.name, what=prepared.converted))
    return "\n".join(lines)


def cost_question(plan: StartPlan) -> str:
    cost = plan.cost
    if not plan.billed:
        return tr("Train {model} on {n} examples for {epochs} epochs on this computer: about {tokens} tokens, "
                  "{time}. Nothing is billed.").format(
            model=cost.model, n=f"{plan.training.report.examples:,}", epochs=cost.epochs,
            tokens=f"{cost.billed_tokens:,}",
            time=duration_text(plan.seconds) if plan.seconds is not None else tr("time unknown"))
    price = f"${cost.usd:,.2f}" if cost.usd is not None else tr("an unknown amount (no price for this model)")
    return tr("Train {model} on {n} examples for {epochs} epochs: about {billed} billed tokens, {price}.").format(
        model=cost.model, n=f"{plan.training.report.examples:,}", epochs=cost.epochs,
        billed=f"{cost.billed_tokens:,}", price=price)


def request_from_form(form: JobForm) -> StartRequest:
    path = form.training_path()
    if path is None:
        raise CoreError(tr("Choose a training file and a base model first."), "")
    return StartRequest(path, form.model_combo.currentText().strip(), form.validation_path(),
                        form.suffix_edit.text(), form.method(), form.hyperparameters(), form.seed_value(),
                        form.metadata())


async def start_from_form(form: JobForm, provider: Provider, parent: QWidget, show_step: ShowStep,
                          show_progress: ShowProgress) -> Job | None:
    """The created job, or None when the user stopped before anything was billed. Questions are asked in
    dialogs over ``parent``."""
    request = request_from_form(form)

    async def confirm(plan: StartPlan) -> bool:
        answer = await ask(parent, tr("Start training?"), cost_question(plan), Button.Yes | Button.Cancel,
                           Button.Cancel, plan_details(plan))
        return answer == Button.Yes

    def step(which: Step, message: str) -> None:
        show_step(message + (" %p%" if which is Step.UPLOADING else ""), which is not Step.STARTING)

    return await start_job(provider, request, confirm, step, show_progress)
