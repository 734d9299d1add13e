"""Retrain elsewhere: re-create a job or fine-tuned model of the active profile on another profile (core's
migrate workflow). The user picks the profile; the dialog shows the planned base model (editable, with why),
the files and the hyperparameters, then asks with the estimate before anything is uploaded or billed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.profiles import ProfileService
from core.providers.base import Provider
from core.training.migrate import MigrationPlan, migrate, old_model, plan_migration
from core.training.service import connect
from core.training.start import StartPlan
from gui.profile_names import shown_name
from gui.tasks import Tasks
from gui.training.starting import cost_question, plan_details
from gui.widgets.dialogs import Button, ask
from gui.widgets.message_bar import MessageBar
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating

PLANNING = "plan"


class RetrainDialog(Retranslating, QDialog):
    started = Signal(str, str)  # the target profile's id, the new job's id

    def __init__(self, service: ProfileService, job_or_model: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retrain_dialog")
        self.service, self.job_or_model = service, job_or_model
        self.source_profile = service.settings.active_profile
        self.plan: MigrationPlan | None = None
        self.target: Provider | None = None
        self.messages = MessageBar()
        self.tasks = Tasks(self.messages.show_error, "retrain")
        self.profile_combo, self.model_combo = QComboBox(), QComboBox(editable=True)
        self.what = plain_label(QLabel(wordWrap=True))
        self.details = plain_label(QLabel(wordWrap=True))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.profile_label, self.model_label = QLabel(), QLabel()
        form = QFormLayout()
        form.addRow(self.profile_label, self.profile_combo)
        form.addRow(self.model_label, self.model_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addWidget(self.what)
        layout.addLayout(form)
        layout.addWidget(self.details)
        layout.addWidget(self.buttons)
        for profile in service.settings.profiles:
            if profile.id != self.source_profile.id:
                self.profile_combo.addItem(shown_name(profile), profile.id)
        self.profile_combo.setCurrentIndex(-1)
        self.profile_combo.currentIndexChanged.connect(lambda _: self.tasks.replace(PLANNING, self._plan()))
        self.buttons.accepted.connect(lambda: self.tasks.run(self._start()))
        self.buttons.rejected.connect(self.reject)
        self.finished.connect(lambda _: self._close())
        self.start_button.setEnabled(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Retrain elsewhere"))
        self.what.setText(self.tr("Train {name} again on another profile, with the same training and validation "
                                  "files.").format(name=self.job_or_model))
        self.profile_label.setText(self.tr("Profile:"))
        self.model_label.setText(self.tr("Base model:"))
        self.start_button.setText(self.tr("Start…"))
        self._show_plan()

    async def _plan(self) -> None:
        self.start_button.setEnabled(False)
        self.plan = None
        self.details.setText(self.tr("Fetching the files and the models offered…"))
        profile = self.service.find(self.profile_combo.currentData())
        if self.target is not None:
            await self.target.close()
        self.target = await connect(self.service, profile)
        source = await connect(self.service, self.source_profile)
        try:
            self.plan = await plan_migration(source, self.job_or_model, self.target,
                                             source_profile=self.source_profile.name)
        finally:
            await source.close()
        self.model_combo.clear()
        self.model_combo.addItems(list(self.plan.base.alternatives))
        self.model_combo.setCurrentText(self.plan.base_model)
        self._show_plan()
        self.start_button.setEnabled(True)

    def _show_plan(self) -> None:
        plan = self.plan
        if plan is None:
            self.details.setText(self.tr("Choose the profile to train on."))
            return
        files = plan.training.name + (f", {plan.validation.name}" if plan.validation is not None else "")
        hyper = plan.hyperparameters
        lines = [self.tr("Suggested base model: {model} ({why}).").format(model=plan.base_model, why=plan.base.reason),
                 self.tr("Files: {files}").format(files=files),
                 self.tr("Epochs: {epochs}").format(epochs=hyper.n_epochs or self.tr("auto")),
                 self.tr("The new job is linked to {id}; compare the models in Try it once it is done.").format(
                     id=plan.source.id)]
        lines += [self.tr("Left out: {what}").format(what=what) for what in plan.dropped]
        self.details.setText("\n".join(lines))

    async def _start(self) -> None:
        if self.plan is None or self.target is None:
            return
        plan = self.plan.choose(self.model_combo.currentText())

        async def confirm(start: StartPlan) -> bool:
            answer = await ask(self, self.tr("Start training?"), cost_question(start), Button.Yes | Button.Cancel,
                               Button.Cancel, plan_details(start) + "\n" + self.tr(
                                   "Compare with: {old}").format(old=old_model(plan)))
            return answer == Button.Yes

        self.start_button.setEnabled(False)
        try:
            job = await migrate(plan, self.target, confirm, target_profile=str(self.profile_combo.currentData()))
        finally:
            self.start_button.setEnabled(True)
        if job is not None:
            self.started.emit(str(self.profile_combo.currentData()), job.id)
            self.accept()

    def _close(self) -> None:
        self.tasks.cancel(PLANNING)
        if self.target is not None:
            target, self.target = self.target, None
            self.tasks.run(target.close())
