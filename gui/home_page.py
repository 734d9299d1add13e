"""Home: the recent datasets, the active profile's jobs (those under way with their progress and time left) and its
ready models, each a click away from its tab; when there is nothing yet, the three ways to begin."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from core.clock import duration_text, local_time
from core.profiles import ProfileService
from core.providers.records import Job
from gui import icons
from gui.item_models.jobs_table_model import status_text
from gui.journey import RUNNING
from gui.profile_names import shown_name
from gui.profile_tab import ProfileTab
from gui.theme import LARGE, MEDIUM, make_primary, space, text_role
from gui.widgets.card import Card
from gui.widgets.empty_state import EmptyState
from gui.widgets.item_list import Item, ItemList
from gui.widgets.plain_text import plain_label

REFRESH_MS = 15_000  # while Home is in front and a job is under way
LOADING = "home"  # the page's named task
CARD_HEIGHT = 280  # room for an empty card's sentence and button


def job_progress(job: Job, now: float) -> float | None:
    """How far a job under way is (0..1), from its start and the provider's estimated end; None without one."""
    if not job.estimated_finish or job.estimated_finish <= job.created_at:
        return None
    return (now - job.created_at) / (job.estimated_finish - job.created_at)


class HomePage(ProfileTab):
    practise = Signal()
    open_dataset = Signal(object)  # a Path, or None to choose one
    connect_account = Signal()
    start_job = Signal()
    job_chosen = Signal(str)
    model_chosen = Signal(str)
    jobs_listed = Signal(object)  # list[Job]: what the step bar follows
    models_listed = Signal(object)  # list[str]: the fine-tuned models

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(service, "home", parent)
        self.jobs: list[Job] = []
        self.models: list[str] = []
        self.loaded = False
        self._recent_shown: list[Path] | None = None
        self.heading, self.profile_label = text_role(QLabel(), "heading"), text_role(plain_label(QLabel()), "caption")
        self.start_card, self.start_text = Card(), plain_label(QLabel(wordWrap=True))
        self.practise_button, self.open_button, self.account_button = QPushButton(), QPushButton(), QPushButton()
        self.datasets, self.job_list, self.model_list = ItemList(), ItemList(), ItemList()
        self.cards = (Card(), Card(), Card())
        self.empty = (EmptyState(self.datasets, "dataset"), EmptyState(self.job_list, "training"),
                      EmptyState(self.model_list, "models"))
        self.empty_buttons = (QPushButton(), QPushButton(), QPushButton())
        self.timer = QTimer(self, interval=REFRESH_MS, timeout=self._refresh_running)
        self._build()
        self._connect()
        self.retranslate()
        self.show_datasets()

    def _build(self) -> None:
        make_primary(self.practise_button)
        buttons = space(QHBoxLayout(), 0, MEDIUM)
        for button in (self.practise_button, self.open_button, self.account_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.start_card.body.addWidget(self.start_text)
        self.start_card.body.addLayout(buttons)
        columns = space(QHBoxLayout(), 0, LARGE)
        for card, empty, button in zip(self.cards, self.empty, self.empty_buttons, strict=True):
            empty.add_button(button)
            card.body.addWidget(empty, 1)
            card.setMinimumHeight(CARD_HEIGHT)
            columns.addWidget(card, 1)
        page = QWidget()
        layout = space(QVBoxLayout(page), LARGE, LARGE)
        layout.addWidget(self.messages)
        titles = space(QVBoxLayout(), 0, 2)
        titles.addWidget(self.heading)
        titles.addWidget(self.profile_label)
        layout.addLayout(titles)
        layout.addWidget(self.start_card)
        layout.addLayout(columns)
        layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        space(QVBoxLayout(self), 0, 0).addWidget(scroll)

    def _connect(self) -> None:
        self.practise_button.clicked.connect(self.practise)
        self.open_button.clicked.connect(lambda: self.open_dataset.emit(None))
        self.account_button.clicked.connect(self.connect_account)
        self.empty_buttons[0].clicked.connect(lambda: self.open_dataset.emit(None))
        self.empty_buttons[1].clicked.connect(self.start_job)
        self.empty_buttons[2].clicked.connect(self.start_job)
        self.datasets.chosen.connect(lambda path: self.open_dataset.emit(Path(path)))
        self.job_list.chosen.connect(self.job_chosen)
        self.model_list.chosen.connect(self.model_chosen)
        icons.attach(self.practise_button, "practise", icons.ON_ACCENT)
        for button, name in ((self.open_button, "open"), (self.account_button, "account"),
                             (self.empty_buttons[0], "open"), (self.empty_buttons[1], "start"),
                             (self.empty_buttons[2], "training")):
            icons.attach(button, name)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Your fine-tuning at a glance"))
        self.start_card.set_title(self.tr("Start here"))
        self.start_text.setText(self.tr(
            "New to fine-tuning? Practise the whole way for free in the Sandbox: a demo project trains in under a "
            "minute on this computer and nothing is billed. Or open your own examples, or connect an account."))
        self.practise_button.setText(self.tr("Practise in the Sandbox"))
        self.open_button.setText(self.tr("Open a file…"))
        self.account_button.setText(self.tr("Connect an account…"))
        for card, title in zip(self.cards, (self.tr("Recent datasets"), self.tr("Training jobs"),
                                            self.tr("Ready models")), strict=True):
            card.set_title(title)
        for empty, text in zip(self.empty, (
                self.tr("Datasets you open appear here."),
                self.tr("Jobs you start appear here, with their progress and the time left."),
                self.tr("Models you train appear here, ready to try.")), strict=True):
            empty.set_message(text)
        for button, text in zip(self.empty_buttons, (self.tr("Open a file…"), self.tr("Start a job"),
                                                     self.tr("Go to Training")), strict=True):
            button.setText(text)
        self._show_profile()
        self.show_datasets()
        self._show_jobs()
        self._show_models()
        if self.activated and not self.loaded and self.messages.isVisible():  # say what failed in this language
            self.messages.hide()
            self.tasks.replace(LOADING, self.refresh())

    # -- what MainWindow calls -------------------------------------------------------------------------
    def show_datasets(self) -> None:
        """The recent files, newest first (the Dataset tab keeps the list in the settings)."""
        recent = [Path(name) for name in self.service.settings.recent_files]
        if recent == self._recent_shown:  # the Dataset tab's title changes with every edit; the list seldom does
            return
        self._recent_shown = recent
        self.datasets.set_items([Item(str(path), path.name, str(path.parent), hint=str(path)) for path in recent])
        self.empty[0].set_empty(not recent)
        self._show_start()

    def load_profile(self) -> None:
        self.jobs, self.models, self.loaded = [], [], False
        self._show_profile()
        self._show_jobs()
        self._show_models()
        self.tasks.replace(LOADING, self.refresh())

    async def refresh(self) -> None:
        provider = await self.session()
        self.jobs = (await provider.list_jobs(limit=20))[0]
        self._show_jobs()
        self.jobs_listed.emit(self.jobs)
        self.models = [model.id for model in await provider.list_models() if model.fine_tuned]
        self.loaded = True
        self._show_models()
        self.models_listed.emit(self.models)
        self._show_start()

    def shown(self) -> None:
        """In front again: what changed meanwhile (a job finished, a file was opened) shows."""
        if self.loaded:
            self.show_datasets()
            self.tasks.replace(LOADING, self.refresh())
        super().shown()

    def cancel_tasks(self) -> None:
        self.timer.stop()
        super().cancel_tasks()

    # -- showing ---------------------------------------------------------------------------------------
    def _show_profile(self) -> None:
        profile = self.service.settings.active_profile
        self.profile_label.setText(self.tr("Profile: {name}").format(name=shown_name(profile)))

    def _show_start(self) -> None:
        """The ways to begin, while there is no dataset and no job yet."""
        self.start_card.setVisible(not self.service.settings.recent_files and not self.jobs)

    def _show_jobs(self) -> None:
        now = time.time()
        running = [job for job in self.jobs if job.status in RUNNING]
        shown = running + [job for job in self.jobs if job.status not in RUNNING]
        self.job_list.set_items([self._job_item(job, now) for job in shown])
        self.empty[1].set_empty(not shown)
        self.timer.stop()
        if running and self.isVisible():
            self.timer.start()

    def _job_item(self, job: Job, now: float) -> Item:
        title = job.fine_tuned_model or job.model
        caption = self.tr("{status} · started {date}").format(status=status_text(job.status, job.raw_status),
                                                             date=local_time(job.created_at, "%Y-%m-%d %H:%M"))
        if job.status not in RUNNING:
            return Item(job.id, title, caption, hint=job.id)
        progress = job_progress(job, now)
        left = (job.estimated_finish or 0) - now
        text = self.tr("{time} left").format(time=duration_text(left)) if left > 0 else ""
        return Item(job.id, title, caption, progress, text, hint=job.id)

    def _show_models(self) -> None:
        self.model_list.set_items([Item(model, model, self.tr("Click to try it")) for model in self.models])
        self.empty[2].set_empty(not self.models)

    def _refresh_running(self) -> None:
        if self.isVisible():
            self.tasks.replace(LOADING, self.refresh())
        else:
            self.timer.stop()

    def jobs_changed(self, jobs: Sequence[Job]) -> None:
        """The Training tab listed jobs: show them here too, without asking the provider again."""
        self.jobs = list(jobs)
        self._show_jobs()
        self._show_start()
