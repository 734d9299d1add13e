"""The Training tab's side of starting a job: the form's choices go to core's start workflow, which asks
back through a dialog (cost, model name, converted files) and reports its steps on the progress bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import CoreError
from core.i18n import tr
from core.providers.base import Provider
from core.training.records import Job
from core.training.start import StartPlan, StartRequest, Step, start_job
from gui.widgets.dialogs import Button, ask

if TYPE_CHECKING:
    from gui.training_tab import TrainingTab


def plan_details(plan: StartPlan) -> str:
    """The small print under the cost question: prices' date, the model's name, files that were converted."""
    lines = [tr("Prices as of {date}; this is an estimate. The new model will be called {name}.").format(
        date=plan.cost.prices_as_of, name=plan.model_name)]
    for prepared in (plan.training, plan.validation):
        if prepared is not None and prepared.converted:
            lines.append(tr("{name} is uploaded as {upload} ({what}).").format(
                name=prepared.source.name, upload=prepared.upload.name, what=prepared.converted))
    return "\n".join(lines)


def cost_question(plan: StartPlan) -> str:
    cost = plan.cost
    price = f"${cost.usd:,.2f}" if cost.usd is not None else tr("an unknown amount (no price for this model)")
    return tr("Train {model} on {n} examples for {epochs} epochs: about {billed} billed tokens, {price}.").format(
        model=cost.model, n=f"{plan.training.report.examples:,}", epochs=cost.epochs,
        billed=f"{cost.billed_tokens:,}", price=price)


async def start_from_form(tab: TrainingTab, provider: Provider) -> Job | None:
    """The created job, or None when the user stopped before anything was billed."""
    form = tab.form
    path = form.training_path()
    if path is None:
        raise CoreError(tr("Choose a training file and a base model first."), "")
    request = StartRequest(path, form.model_combo.currentText().strip(), form.validation_path(),
                           form.suffix_edit.text(), form.method(), form.hyperparameters(), form.seed_value(),
                           form.metadata())

    async def confirm(plan: StartPlan) -> bool:
        answer = await ask(tab, tr("Start training?"), cost_question(plan), Button.Yes | Button.Cancel,
                           Button.Cancel, plan_details(plan))
        return answer == Button.Yes

    def step(which: Step, message: str) -> None:
        tab.set_busy(True, message + (" %p%" if which is Step.UPLOADING else ""),
                     cancellable=which is not Step.STARTING)

    def progress(done: int, total: int) -> None:
        tab.progress.setValue(int(done / max(total, 1) * 1000))

    return await start_job(provider, request, confirm, step, progress)
