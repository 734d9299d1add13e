"""Where the user is on the way Connect → Prepare data → Train → Try → Use, worked out from what the tabs already
report (the connection check, the dataset's check, the jobs and models they list); nothing is asked of a provider
for it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, IntEnum

from PySide6.QtCore import QObject, Signal

from core.clock import duration_text
from core.providers.records import Job
from gui.connection_state import LinkState

RUNNING = ("validating_files", "queued", "running", "paused", "cancelling")


class Step(IntEnum):
    CONNECT = 0
    DATA = 1
    TRAIN = 2
    TRY = 3
    USE = 4


class State(Enum):
    TODO = "todo"
    ACTIVE = "active"  # under way: checking the connection, a job training
    DONE = "done"


class DataState(Enum):
    NONE = "none"  # no dataset open
    CHECKING = "checking"
    ERRORS = "errors"
    READY = "ready"


@dataclass(frozen=True)
class StepView:
    step: Step
    title: str
    state: State
    caption: str


class Journey(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link, self.profile_name = LinkState.UNKNOWN, ""
        self.dataset_name, self.data = "", DataState.NONE
        self.jobs: tuple[Job, ...] = ()
        self.models: tuple[str, ...] = ()  # the profile's fine-tuned models
        self.tried = self.used = False

    # -- facts, as the tabs report them ----------------------------------------------------------------
    def set_connection(self, profile_name: str, link: LinkState) -> None:
        self.profile_name, self.link = profile_name, link
        self.changed.emit()

    def set_dataset(self, name: str, data: DataState) -> None:
        self.dataset_name, self.data = name, data
        self.changed.emit()

    def set_jobs(self, jobs: Sequence[Job]) -> None:
        self.jobs = tuple(jobs)
        self.changed.emit()

    def set_models(self, models: Sequence[str]) -> None:
        self.models = tuple(models)
        self.changed.emit()

    def mark_tried(self) -> None:
        self.tried = True
        self.changed.emit()

    def mark_used(self) -> None:
        self.used = True
        self.changed.emit()

    def profile_changed(self) -> None:
        """Jobs and models belong to a profile: another one starts with none until its tabs list them."""
        self.jobs, self.models, self.tried, self.used = (), (), False, False
        self.changed.emit()

    # -- what the step bar shows -------------------------------------------------------------------------
    def running(self) -> list[Job]:
        return [job for job in self.jobs if job.status in RUNNING]

    def ready_models(self) -> list[str]:
        found = [job.fine_tuned_model for job in self.jobs if job.status == "succeeded" and job.fine_tuned_model]
        return list(dict.fromkeys([*self.models, *found]))

    def steps(self) -> list[StepView]:
        return [self._connect(), self._data(), self._train(), self._try(), self._use()]

    def next_step(self) -> Step | None:
        """The first step not done yet (None once all are)."""
        return next((view.step for view in self.steps() if view.state is not State.DONE), None)

    def _connect(self) -> StepView:
        words = {LinkState.UNKNOWN: self.tr("not checked yet"), LinkState.CHECKING: self.tr("checking…"),
                 LinkState.CONNECTED: self.tr("connected"), LinkState.FAILED: self.tr("not connected")}
        state = {LinkState.CONNECTED: State.DONE, LinkState.CHECKING: State.ACTIVE}.get(self.link, State.TODO)
        caption = self.tr("{profile}: {state}").format(profile=self.profile_name, state=words[self.link]) \
            if self.profile_name else self.tr("Choose where to train")
        return StepView(Step.CONNECT, self.tr("Connect"), state, caption)

    def _data(self) -> StepView:
        captions = {DataState.NONE: self.tr("Open or create a dataset"),
                    DataState.CHECKING: self.tr("{name}: checking…"),
                    DataState.ERRORS: self.tr("{name}: errors to fix"), DataState.READY: self.tr("{name}: ready")}
        state = {DataState.READY: State.DONE, DataState.CHECKING: State.ACTIVE}.get(self.data, State.TODO)
        return StepView(Step.DATA, self.tr("Prepare data"), state,
                        captions[self.data].format(name=self.dataset_name))

    def _train(self) -> StepView:
        running = self.running()
        if running:
            left = [job.estimated_finish - time.time() for job in running if job.estimated_finish]
            caption = self.tr("Training: {time} left").format(time=duration_text(max(left))) \
                if left and max(left) > 0 else self.tr("Training…")
            return StepView(Step.TRAIN, self.tr("Train"), State.ACTIVE, caption)
        if self.ready_models():
            return StepView(Step.TRAIN, self.tr("Train"), State.DONE, self.tr("A model is ready"))
        return StepView(Step.TRAIN, self.tr("Train"), State.TODO, self.tr("Start a fine-tuning job"))

    def _try(self) -> StepView:
        if self.tried:
            caption = self.tr("Answers seen")
        elif self.ready_models():
            caption = self.tr("Chat with your model")
        else:
            caption = self.tr("Once a model is trained")
        return StepView(Step.TRY, self.tr("Try"), State.DONE if self.tried else State.TODO, caption)

    def _use(self) -> StepView:
        caption = self.tr("Code copied") if self.used else self.tr("Copy the code to call it")
        return StepView(Step.USE, self.tr("Use"), State.DONE if self.used else State.TODO, caption)
