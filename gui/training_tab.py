"""The Training tab: start a job from a checked file (with the cost confirmed first), see every job of
the profile, and watch one live: status, loss chart, events, checkpoints, controls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.profiles import ProfileService
from core.providers import capabilities_for
from core.providers.base import Provider
from core.training.export import export_all
from core.training.jobs import watch
from core.training.records import Job, JobEvent
from gui.dataset.files import OPEN_FILTER
from gui.models.jobs_table_model import JobsTableModel, status_text
from gui.session import Session
from gui.tasks import Tasks
from gui.training.job_detail import JobDetail
from gui.training.job_form import JobForm
from gui.training.starting import start_from_form
from gui.widgets.dialogs import Button, ask, choose_file, choose_folder
from gui.widgets.message_bar import MessageBar
from gui.widgets.retranslating import Retranslating

REFRESH_MS = 15_000
PAGE = 20


class TrainingTab(Retranslating, QWidget):
    try_model = Signal(str)

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.activated = False
        self._watch_task: asyncio.Task[None] | None = None
        self._start_task: asyncio.Task[object] | None = None
        self._busy_task: asyncio.Task[object] | None = None  # what the Cancel button stops
        self.events: list[JobEvent] = []
        self.messages, self.form, self.detail = MessageBar(), JobForm(), JobDetail()
        self.tasks = Tasks(self.messages, "training")
        self.connection = Session(service, self.tasks)
        self.jobs_model, self.jobs_view = JobsTableModel(), QTableView()
        self.progress, self.cancel_button = QProgressBar(maximum=1000), QPushButton()
        self.form_box, self.refresh_button = QGroupBox(), QPushButton()
        self.more_button, self.export_button = QPushButton(), QPushButton()
        self._has_more = False
        self.tray = QSystemTrayIcon(self) if QSystemTrayIcon.isSystemTrayAvailable() else None
        self._build()
        self.retranslate()
        self.timer = QTimer(self, interval=REFRESH_MS, timeout=lambda: self.run(self.refresh()))

    def _build(self) -> None:
        self.jobs_view.setModel(self.jobs_model)
        self.jobs_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.jobs_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.jobs_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.jobs_view.horizontalHeader().setStretchLastSection(True)
        self.jobs_view.verticalHeader().hide()
        form = QVBoxLayout(self.form_box)
        form.addWidget(self.form)
        loading = QHBoxLayout()
        loading.addWidget(self.progress, 1)
        loading.addWidget(self.cancel_button)
        form.addLayout(loading)
        form.addStretch(1)
        jobs = QWidget()
        jobs_layout = QVBoxLayout(jobs)
        jobs_layout.setContentsMargins(0, 0, 0, 0)
        jobs_buttons = QHBoxLayout()
        jobs_buttons.addStretch(1)
        jobs_buttons.addWidget(self.export_button)
        jobs_buttons.addWidget(self.refresh_button)
        jobs_layout.addLayout(jobs_buttons)
        jobs_layout.addWidget(self.jobs_view)
        jobs_layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignCenter)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(jobs)
        right.addWidget(self.detail)
        right.setSizes([200, 460])
        split = QSplitter()
        split.addWidget(self.form_box)
        split.addWidget(right)
        split.setSizes([400, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addWidget(split, 1)
        self.set_busy(False)
        self.more_button.hide()
        self.form.browse_clicked.connect(lambda which: self.run(self._browse(which)))
        self.form.start_clicked.connect(lambda: self._start())
        self.cancel_button.clicked.connect(self._cancel_start)
        self.refresh_button.clicked.connect(lambda: self.run(self.refresh()))
        self.more_button.clicked.connect(lambda: self.run(self._load_more()))
        self.export_button.clicked.connect(self._start_export)
        self.jobs_view.selectionModel().currentRowChanged.connect(lambda current, _: self._selected(current.row()))
        self.detail.control_clicked.connect(lambda action: self.run(self._control(action)))
        self.detail.try_clicked.connect(self.try_model)

    def retranslate(self) -> None:
        self.form_box.setTitle(self.tr("New fine-tuning job"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.more_button.setText(self.tr("Show older jobs"))
        self.export_button.setText(self.tr("Export all jobs…"))
        self.export_button.setToolTip(self.tr("Save every job, its events, results and files into a folder, so you "
                                              "keep them if the provider or a model goes away"))

    # -- tasks ------------------------------------------------------------------------------------------
    def run(self, coroutine: Awaitable[object]) -> asyncio.Task[object]:
        """Run a coroutine of this tab, keeping it referenced and showing its CoreErrors."""
        return self.tasks.run(coroutine)

    def cancel_tasks(self) -> None:
        self.timer.stop()
        self.tasks.cancel_all(self._watch_task)

    def set_busy(self, busy: bool, text: str = "", cancellable: bool = True) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(cancellable)  # not once a job may already exist at the provider
        self.progress.setFormat(text or "%p%")
        self.form.start_button.setEnabled(not busy)

    async def session(self) -> Provider:
        return await self.connection.get()

    # -- the profile, the list --------------------------------------------------------------------------
    def activate(self) -> None:
        """Shown for the first time, or the profile changed: (re)load models and jobs, keep refreshing."""
        self.activated = True
        self.connection.reset()
        capabilities = capabilities_for(self.service.settings.active_profile)
        self.form.set_capabilities(capabilities)
        self.detail.set_capabilities(capabilities)
        if self._watch_task is not None:
            self._watch_task.cancel()
        self.jobs_model.set_jobs([])
        self.detail.show_job(None)
        self.run(self._load_models())
        self.run(self.refresh())
        self.timer.start()

    async def _load_models(self) -> None:
        models = await (await self.session()).base_models()
        self.form.set_models(models, self.service.settings.dataset_model)

    async def refresh(self) -> None:
        shown = max(len(self.jobs_model.jobs), PAGE)
        jobs, self._has_more = await (await self.session()).list_jobs(limit=min(shown, 100))
        self.jobs_model.set_jobs(jobs)
        self.more_button.setVisible(self._has_more)
        if jobs and not self.jobs_view.currentIndex().isValid():
            self.jobs_view.selectRow(0)

    async def _load_more(self) -> None:
        known = self.jobs_model.jobs
        training = await self.session()
        older, self._has_more = await training.list_jobs(limit=PAGE, after=known[-1].id if known else None)
        self.jobs_model.set_jobs(known + older)
        self.more_button.setVisible(self._has_more)

    def _start_export(self) -> None:
        self._busy_task = self.run(self._export())

    async def _export(self) -> None:
        folder = await choose_folder(self, self.tr("Choose a folder for the export"))
        if folder is None:
            return

        def progress(done: int, total: int, _: str) -> None:
            self.progress.setValue(int(done / max(total, 1) * 1000))

        self.set_busy(True, self.tr("Exporting… %p%"))
        try:
            index = await export_all(await self.session(), folder, progress)
        finally:
            self.set_busy(False)
        self.messages.show_info(self.tr("Every job was saved to {folder}.").format(folder=index.parent))

    def use_file(self, path: Path) -> None:
        """A file handed over by the Dataset tab."""
        self.form.training_edit.setText(str(path))

    async def _browse(self, which: str) -> None:
        path = await choose_file(self, self.tr("Choose a training file"), OPEN_FILTER)
        if path is not None:
            (self.form.training_edit if which == "training" else self.form.validation_edit).setText(str(path))

    # -- starting ---------------------------------------------------------------------------------------
    def _start(self) -> None:
        self._start_task = self._busy_task = self.run(self._start_job())

    def _cancel_start(self) -> None:
        """Stop what the progress bar shows: starting a job (before it was sent) or an export."""
        if self._busy_task is None:
            return
        self._busy_task.cancel()
        self.set_busy(False)
        if self._busy_task is self._start_task:
            self.messages.show_info(self.tr("Cancelled: no job was started."))

    async def _start_job(self) -> None:
        self.messages.hide()
        try:
            job = await start_from_form(self, await self.session())
        finally:
            self.set_busy(False)
        if job is not None:
            self.jobs_model.update_job(job)
            self.jobs_view.selectRow(0)
            self.messages.show_info(self.tr("Job {id} started. You can close the app: it keeps running at the "
                                            "provider and this tab picks it up again.").format(id=job.id))

    # -- one job ----------------------------------------------------------------------------------------
    def _selected(self, row: int) -> None:
        job = self.jobs_model.jobs[row] if 0 <= row < len(self.jobs_model.jobs) else None
        if self._watch_task is not None:
            self._watch_task.cancel()
        self.events = []
        self.detail.show_job(job)
        if job is not None:
            self._watch_task = asyncio.ensure_future(self.tasks.guarded(self._watch(job)))  # type: ignore[arg-type]

    async def _watch(self, job: Job) -> None:
        training = await self.session()
        status = job.status
        async for update in watch(training, job.id):
            self.detail.set_reconnecting(update.message if update.reconnecting else "")
            if update.job is None:
                continue
            self.jobs_model.update_job(update.job)
            self.detail.show_job(update.job)
            self.detail.add_events(update.events)
            self.events += update.events
            self.detail.show_points(await training.metrics(update.job, self.events))  # the result file at the end
            if update.job.status != status:
                status = update.job.status
                self._notify(update.job)
        self.detail.show_checkpoints(await training.checkpoints(job.id))  # [] where the provider has none

    def _notify(self, job: Job) -> None:
        if self.tray is not None and not self.window().isActiveWindow():
            self.tray.show()
            self.tray.showMessage(self.tr("Fine-tuning job {status}").format(status=status_text(job.status)),
                                  job.fine_tuned_model or job.id)

    async def _control(self, action: str) -> None:
        job = self.detail.job
        if job is None:
            return
        if action == "cancel" and await ask(self, self.tr("Cancel the job?"), self.tr(
                "Cancel {id}? Training stops; what was already trained is still billed.").format(id=job.id),
                Button.Yes | Button.No, Button.No) != Button.Yes:
            return
        updated = await (await self.session()).control(job.id, action)
        self.jobs_model.update_job(updated)
        self.detail.show_job(updated)
