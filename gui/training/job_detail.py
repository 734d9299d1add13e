"""One job in detail: status, the resulting model (copy, Try it), controls, the loss chart, checkpoints
and events as they arrive."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.clock import duration_text, local_time
from core.providers.base import Capabilities
from core.providers.records import Checkpoint, Job, JobEvent, MetricPoint
from core.training.origins import Origin, described
from gui.colors import colour
from gui.item_models.jobs_table_model import status_text
from gui.theme import make_primary
from gui.training.loss_chart import LossChart
from gui.widgets.plain_text import escaped, plain_label, rich_label
from gui.widgets.retranslating import Retranslating


class JobDetail(Retranslating, QWidget):
    control_clicked = Signal(str)  # cancel, pause or resume
    try_clicked = Signal(str)  # a model id
    retrain_clicked = Signal(str)  # a job id, to train again on another profile

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: Job | None = None
        self.total_steps: int | None = None  # as the job's progress events say
        self.capabilities = Capabilities()
        self.title = rich_label(QLabel(wordWrap=True))
        self.model_label = plain_label(QLabel(wordWrap=True))
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button, self.retrain_button = QPushButton(), QPushButton()
        self.try_button = make_primary(QPushButton())  # the next step once a job succeeded
        self.controls = {action: QPushButton() for action in ("pause", "resume", "cancel")}
        self.reconnecting = plain_label(QLabel())
        self.origin_label = plain_label(QLabel(wordWrap=True))
        self.origin_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.origin_label.hide()
        self.chart = LossChart()
        self.tabs = QTabWidget()
        self.events, self.checkpoints = QListWidget(), QListWidget()
        self.tabs.addTab(self.events, "")
        self.tabs.addTab(self.checkpoints, "")
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_label, 1)
        model_row.addWidget(self.copy_button)
        model_row.addWidget(self.try_button)
        model_row.addWidget(self.retrain_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reconnecting, 1)
        for action, button in self.controls.items():
            button.clicked.connect(lambda _=False, a=action: self.control_clicked.emit(a))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(model_row)
        layout.addWidget(self.origin_label)
        layout.addLayout(buttons)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.tabs, 1)
        self.copy_button.clicked.connect(lambda: QApplication.clipboard().setText(self._model()))
        self.try_button.clicked.connect(lambda: self.try_clicked.emit(self._model()))
        self.retrain_button.clicked.connect(lambda: self.job and self.retrain_clicked.emit(self.job.id))
        self.checkpoints.itemDoubleClicked.connect(
            lambda item: self.try_clicked.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.retranslate()
        self.show_job(None)

    def retranslate(self) -> None:
        self.copy_button.setText(self.tr("Copy name"))
        self.try_button.setText(self.tr("Try this model"))
        self.try_button.setToolTip(self.tr("Chat with this model in the Try it tab"))
        self.retrain_button.setText(self.tr("Retrain elsewhere…"))
        self.retrain_button.setToolTip(self.tr("Train this job again on another profile, with its own files"))
        self.controls["pause"].setText(self.tr("Pause"))
        self.controls["resume"].setText(self.tr("Resume"))
        self.controls["cancel"].setText(self.tr("Cancel job…"))
        self.tabs.setTabText(0, self.tr("Events"))
        self.tabs.setTabText(1, self.tr("Checkpoints"))
        self.checkpoints.setToolTip(self.tr("Double-click a checkpoint to try it"))
        self.show_job(self.job)

    def _time_left(self, job: Job) -> str:
        """" · about 12 minutes left" while a job runs and its provider estimates the end."""
        if job.finished or not job.estimated_finish:
            return ""
        left = job.estimated_finish - time.time()
        return " · " + self.tr("{time} left").format(time=duration_text(left)) if left > 0 else ""

    def _model(self) -> str:
        return self.job.fine_tuned_model or "" if self.job else ""

    def show_job(self, job: Job | None) -> None:
        if job is None or self.job is None or job.id != self.job.id:
            self.events.clear()
            self.checkpoints.clear()
            self.chart.set_points([])
            self.total_steps = None
        self.job = job
        self.setEnabled(job is not None)
        if job is None:
            self.title.setText(escaped(self.tr("Select a job to see its progress.")))
            self.model_label.clear()
            return
        self.title.setText(self.tr("<b>{status}</b> · {id} · {model}").format(
            status=escaped(status_text(job.status, job.raw_status)), id=escaped(job.id), model=escaped(job.model))
            + escaped(self._time_left(job)))
        self._show_model(job)
        self.copy_button.setEnabled(bool(job.fine_tuned_model))
        self.try_button.setEnabled(bool(job.fine_tuned_model))
        self.controls["pause"].setVisible(job.status == "running" and self.capabilities.supports_pause)
        self.controls["resume"].setVisible(job.status == "paused" and self.capabilities.supports_pause)
        self.controls["cancel"].setVisible(not job.finished)

    def _show_model(self, job: Job) -> None:
        failed = not job.fine_tuned_model and job.status == "failed"
        self.model_label.setStyleSheet(f"color:{colour('error')};" if failed else "")
        if job.fine_tuned_model:
            tokens = " · " + self.tr("{n} tokens trained").format(n=f"{job.trained_tokens:,}") \
                if job.trained_tokens else ""
            self.model_label.setText(self.tr("Your model: {model}").format(model=job.fine_tuned_model) + tokens)
        elif failed:
            self.model_label.setText(self.tr(
                "The job failed: {why} Fix the data or settings it names and start a new job; nothing more "
                "is billed for this one.").format(why=job.error_message or self.tr("no reason given.")))
        else:
            self.model_label.setText(self.tr("The model name appears here when training succeeds."))

    def show_origin(self, origin: Origin | None) -> None:
        """The job this one re-creates (Retrain elsewhere), or nothing."""
        self.origin_label.setText(described(origin) if origin is not None else "")
        self.origin_label.setVisible(origin is not None)

    def set_capabilities(self, capabilities: Capabilities) -> None:
        """Show only the controls and panes the profile's provider has."""
        self.capabilities = capabilities
        self.tabs.setTabVisible(0, capabilities.supports_events)
        self.tabs.setTabVisible(1, capabilities.supports_checkpoints)
        self.show_job(self.job)

    def add_events(self, events: Sequence[JobEvent]) -> None:
        for event in events:
            stamp = local_time(event.created_at, "%H:%M:%S")
            self.events.addItem(f"{stamp}  {event.message}")
            total = event.data.get("total_steps")
            self.total_steps = total if isinstance(total, int) and total > 0 else self.total_steps
        if events:
            self.events.scrollToBottom()

    def show_points(self, points: Sequence[MetricPoint]) -> None:
        """The loss so far, with epoch boundaries once the total steps are known (said, or the job ended)."""
        job = self.job
        ended = job is not None and job.status == "succeeded" and points
        total = self.total_steps or (max(p.step for p in points) if ended else None)
        self.chart.set_points(points, job.hyperparameters.n_epochs if job else None, total)

    def show_checkpoints(self, checkpoints: Sequence[Checkpoint]) -> None:
        self.checkpoints.clear()
        for checkpoint in checkpoints:
            loss = checkpoint.metrics.get("train_loss")
            text = self.tr("Step {step}: {model}").format(step=checkpoint.step, model=checkpoint.model)
            self.checkpoints.addItem(text + (f" (loss {loss:.3f})" if loss is not None else ""))
            self.checkpoints.item(self.checkpoints.count() - 1).setData(Qt.ItemDataRole.UserRole, checkpoint.model)

    def set_reconnecting(self, message: str) -> None:
        self.reconnecting.setText(self.tr("Reconnecting… ({reason})").format(reason=message) if message else "")
