"""The Training tab: start a job from a checked file (with the cost confirmed first), see every job of
the profile, and watch one live: status, loss chart, events, checkpoints, controls."""

from __future__ import annotations

from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.deadlines import job_creation_text, shows_deadlines
from core.errors import CoreError
from core.profile import SANDBOX_KIND
from core.profiles import ProfileService
from core.providers import capabilities_for
from core.providers.base import Access, TrainingAccess
from core.providers.records import Job, JobEvent
from core.training.export import export_all
from core.training.jobs import watch
from core.training.origins import origin_of
from gui.get_model_dialog import GetModelDialog
from gui.item_models.jobs_table_model import JobsTableModel, status_text
from gui.profile_tab import ProfileTab
from gui.training.job_detail import JobDetail
from gui.training.job_form import JobForm
from gui.training.starting import start_from_form
from gui.widgets.dialogs import DATASET_FILTER, Button, ask, choose_file, choose_folder
from gui.widgets.empty_state import EmptyState

REFRESH_MS = 15_000
PAGE = 20
# The tab's named tasks: a newer request of the same name replaces the older one.
WATCHING, REFRESHING, STARTING, EXPORTING = "watch", "refresh", "start", "export"


class TrainingTab(ProfileTab):
    try_model = Signal(str)
    retrain = Signal(str)  # a job id, to train again on another profile
    jobs_changed = Signal(object)  # the listed jobs (list[Job]), for Home and the step bar

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(service, "training", parent)
        self._busy = ""  # the task that the progress bar shows and its Cancel button stops
        self.events: list[JobEvent] = []
        self.form, self.detail = JobForm(), JobDetail()
        self.jobs_model, self.jobs_view = JobsTableModel(), QTableView()
        self.progress, self.cancel_button = QProgressBar(maximum=1000), QPushButton()
        self.form_box, self.refresh_button = QGroupBox(), QPushButton()
        self.more_button, self.export_button = QPushButton(), QPushButton()
        self._has_more = False
        self._wanted_job = ""  # a job to select once the list shows it (chosen on Home)
        self.jobs_empty, self.start_here = EmptyState(self.jobs_view, "training"), QPushButton()
        self.banner = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)  # deadlines, account closed
        self.banner.setObjectName("training_banner")
        self.tray = QSystemTrayIcon(self) if QSystemTrayIcon.isSystemTrayAvailable() else None
        self._build()
        self._connect()
        self.retranslate()
        self.timer = QTimer(self, interval=REFRESH_MS, timeout=self._refresh_soon)

    def _build(self) -> None:
        form = QVBoxLayout(self.form_box)
        form.addWidget(self.form)
        loading = QHBoxLayout()
        loading.addWidget(self.progress, 1)
        loading.addWidget(self.cancel_button)
        form.addLayout(loading)
        form.addStretch(1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self._jobs())
        right.addWidget(self.detail)
        right.setSizes([200, 460])
        split = QSplitter()
        split.addWidget(self.form_box)
        split.addWidget(right)
        split.setSizes([400, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self.banner.hide()
        self.set_busy(False)
        self.more_button.hide()

    def _jobs(self) -> QWidget:
        """The list of jobs with its buttons."""
        self.jobs_view.setModel(self.jobs_model)
        self.jobs_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.jobs_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.jobs_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.jobs_view.horizontalHeader().setStretchLastSection(True)
        self.jobs_view.verticalHeader().hide()
        jobs = QWidget()
        layout = QVBoxLayout(jobs)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.jobs_empty.add_button(self.start_here)
        self.jobs_empty.follow(self.jobs_model)
        layout.addWidget(self.jobs_empty)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignCenter)
        return jobs

    def _connect(self) -> None:
        self.form.browse_clicked.connect(lambda which: self.run(self._browse(which)))
        self.form.start_clicked.connect(lambda: self._run_busy(STARTING, self._start_job()))
        self.form.get_models_clicked.connect(lambda: self.run(self._get_models()))
        self.cancel_button.clicked.connect(self._cancel_busy)
        self.refresh_button.clicked.connect(self._refresh_soon)
        self.more_button.clicked.connect(lambda: self.run(self._load_more()))
        self.export_button.clicked.connect(lambda: self._run_busy(EXPORTING, self._export()))
        self.jobs_view.selectionModel().currentRowChanged.connect(lambda current, _: self._selected(current.row()))
        self.detail.control_clicked.connect(lambda action: self.run(self._control(action)))
        self.detail.try_clicked.connect(self.try_model)
        self.detail.retrain_clicked.connect(self.retrain)
        self.start_here.clicked.connect(self._start_here)
        for signal in (self.jobs_model.modelReset, self.jobs_model.dataChanged, self.jobs_model.rowsInserted):
            signal.connect(lambda *_: self.jobs_changed.emit(list(self.jobs_model.jobs)))

    def retranslate(self) -> None:
        self.form_box.setTitle(self.tr("New fine-tuning job"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.more_button.setText(self.tr("Show older jobs"))
        self.export_button.setText(self.tr("Export all jobs…"))
        self.export_button.setToolTip(self.tr("Save every job, its events, results and files into a folder, so you "
                                              "keep them if the provider or a model goes away"))
        self.jobs_empty.set_message(self.tr("Jobs you start appear here, with their progress, loss curve and the "
                                            "time left."))
        self.start_here.setText(self.tr("Start a job…"))
        if self.activated:
            self._show_banner(self._access)
        self.start_here.setToolTip(self.tr("Check the training file, see the cost, then start"))

    # -- what MainWindow calls -------------------------------------------------------------------------
    def use_file(self, path: Path) -> None:
        """A file handed over by the Dataset tab."""
        self.form.training_edit.setText(str(path))

    def select_job(self, job_id: str) -> None:
        """Show ``job_id`` in detail (once the list has it)."""
        self._wanted_job = job_id
        self._select_wanted()

    def _select_wanted(self) -> None:
        rows = [row for row, job in enumerate(self.jobs_model.jobs) if job.id == self._wanted_job]
        if rows:
            self.jobs_view.selectRow(rows[0])
            self._wanted_job = ""

    def _start_here(self) -> None:
        """Start with the chosen training file, or choose one first."""
        if self.form.training_path() is None:
            self.run(self._browse("training"))
        else:
            self.form.start_clicked.emit()

    def continue_from(self, model: str) -> None:
        """Train ``model`` (one of the user's fine-tuned models) further."""
        self.form.model_combo.setCurrentText(model)

    def cancel_tasks(self) -> None:
        self.timer.stop()
        super().cancel_tasks()

    # -- the progress bar -------------------------------------------------------------------------------
    def set_busy(self, busy: bool, text: str = "", cancellable: bool = True) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(cancellable)  # not once a job may already exist at the provider
        self.progress.setFormat(text or "%p%")
        self.form.start_button.setEnabled(not busy)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(done / max(total, 1) * 1000))

    def _run_busy(self, name: str, coroutine: Coroutine[Any, Any, object]) -> None:
        """Run a task that the progress bar shows and its Cancel button stops."""
        self._busy = name
        self.tasks.replace(name, coroutine)

    def _cancel_busy(self) -> None:
        """Stop what the progress bar shows: starting a job (before it was sent) or an export."""
        if not self.tasks.busy(self._busy):
            return
        self.tasks.cancel(self._busy)
        self.set_busy(False)
        if self._busy == STARTING:
            self.messages.show_info(self.tr("Cancelled: no job was started."))

    # -- the profile, the list --------------------------------------------------------------------------
    def load_profile(self) -> None:
        """Shown for the first time, or the profile changed: (re)load models and jobs, keep refreshing."""
        capabilities = capabilities_for(self.service.settings.active_profile)
        self.form.set_capabilities(capabilities)
        self.detail.set_capabilities(capabilities)
        self.tasks.cancel(WATCHING)
        self.jobs_model.set_jobs([])
        self.detail.show_job(None)
        self.run(self._load_models())
        self._show_banner(None)
        self.run(self._check_access())
        self._refresh_soon()
        self.timer.start()

    def _show_banner(self, access: TrainingAccess | None) -> None:
        """OpenAI's job-creation deadline (OpenAI-shaped profiles), and the way out when the probe found
        this account closed."""
        self._access = access  # shown again in another language
        profile = self.service.settings.active_profile
        lines = []
        if access is not None and access.access == Access.CLOSED:
            lines.append(self.tr("This account can no longer create fine-tuning jobs. Your trained models keep "
                                 "answering until their shutdown date. To train again, export your jobs and files "
                                 "and add a profile for another provider in Settings."))
        if access is not None and access.access == Access.NEEDS_SETUP:
            lines.append(access.detail)
        if shows_deadlines(profile) and (deadline := job_creation_text()):
            if profile.kind == SANDBOX_KIND:
                deadline += " " + self.tr("(Practice: the Sandbox shows OpenAI's dates.)")
            lines.append(deadline)
        self.banner.setText("\n".join(lines))
        self.banner.setVisible(bool(lines))

    async def _check_access(self) -> None:
        """The zero-cost probe: may this account still create jobs? (None where the provider never closes it.)"""
        try:
            access = await (await self.session()).training_access()
        except CoreError:
            return  # the connection problem shows where the tab lists jobs
        self._show_banner(access)

    async def _get_models(self) -> None:
        """Models for this computer: download one, or use a folder on disk; the chosen one becomes the base."""
        dialog = GetModelDialog(await self.session(), self)
        dialog.chosen.connect(lambda model: self.run(self._use_model(model)))
        dialog.open()

    async def _use_model(self, model: str) -> None:
        await self._load_models()
        self.form.model_combo.setCurrentText(model)

    async def _load_models(self) -> None:
        models = await (await self.session()).base_models()
        self.form.set_models(models, self.service.settings.dataset_model)

    def _refresh_soon(self) -> None:
        self.tasks.replace(REFRESHING, self.refresh())

    async def refresh(self) -> None:
        shown = max(len(self.jobs_model.jobs), PAGE)
        jobs, self._has_more = await (await self.session()).list_jobs(limit=min(shown, 100))
        self.jobs_model.set_jobs(jobs)
        self.more_button.setVisible(self._has_more)
        if jobs and not self.jobs_view.currentIndex().isValid():
            self.jobs_view.selectRow(0)
        self._select_wanted()

    async def _load_more(self) -> None:
        known = self.jobs_model.jobs
        provider = await self.session()
        older, self._has_more = await provider.list_jobs(limit=PAGE, after=known[-1].id if known else None)
        self.jobs_model.set_jobs(known + older)
        self.more_button.setVisible(self._has_more)

    async def _export(self) -> None:
        folder = await choose_folder(self, self.tr("Choose a folder for the export"))
        if folder is None:
            return
        self.set_busy(True, self.tr("Exporting… %p%"))
        try:
            index = await export_all(await self.session(), folder,
                                     lambda done, total, _: self._show_progress(done, total))
        finally:
            self.set_busy(False)
        self.messages.show_info(self.tr("Every job was saved to {folder}.").format(folder=index.parent))

    async def _browse(self, which: str) -> None:
        path = await choose_file(self, self.tr("Choose a training file"), DATASET_FILTER)
        if path is not None:
            (self.form.training_edit if which == "training" else self.form.validation_edit).setText(str(path))

    # -- starting ---------------------------------------------------------------------------------------
    async def _start_job(self) -> None:
        self.messages.hide()
        try:
            job = await start_from_form(self.form, await self.session(), self,
                                        lambda text, cancellable: self.set_busy(True, text, cancellable),
                                        self._show_progress)
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
        self.tasks.cancel(WATCHING)
        self.events = []
        self.detail.show_job(job)
        self.detail.show_origin(origin_of(self.service.settings.active_profile.id, job) if job else None)
        if job is not None:
            self.tasks.replace(WATCHING, self._watch(job))

    async def _watch(self, job: Job) -> None:
        provider = await self.session()
        status = job.status
        async for update in watch(provider, job.id):
            self.detail.set_reconnecting(update.message if update.reconnecting else "")
            if update.job is None:
                continue
            self.jobs_model.update_job(update.job)
            self.detail.show_job(update.job)
            self.detail.add_events(update.events)
            self.events += update.events
            self.detail.show_points(await provider.metrics(update.job, self.events))  # the result file at the end
            if update.job.status != status:
                status = update.job.status
                self._notify(update.job)
        self.detail.show_checkpoints(await provider.checkpoints(job.id))  # [] where the provider has none

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
