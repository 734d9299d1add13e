"""The list of fine-tuning jobs: newest first, one row per job, status shown in words and colour."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.clock import local_time
from core.i18n import tr
from core.providers.records import Job
from gui.colors import colour
from gui.widgets.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex
COLOURS = {"succeeded": "ok", "failed": "error", "cancelled": "muted", "running": "info", "paused": "warning"}


def status_text(status: str, raw: str = "") -> str:
    """Our word for a status; the provider's own word is added when it says something else."""
    ours = {"validating_files": tr("checking files"), "queued": tr("queued"), "running": tr("running"),
            "succeeded": tr("succeeded"), "failed": tr("failed"), "cancelled": tr("cancelled"),
            "paused": tr("paused"), "cancelling": tr("cancelling"), "unknown": tr("unknown")}.get(status, status)
    return f"{ours} ({raw})" if raw and raw != status else ours


class JobsTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.jobs: list[Job] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("Status"), tr("Started"), tr("Base model"), tr("Fine-tuned model"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job = self.jobs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            started = local_time(job.created_at, "%Y-%m-%d %H:%M")
            return (status_text(job.status, job.raw_status), started, job.model,
                    job.fine_tuned_model or "")[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0 and job.status in COLOURS:
            return QColor(colour(COLOURS[job.status]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(job.id + (f"\n{job.error_message}" if job.error_message else ""))
        return None

    def set_jobs(self, jobs: Sequence[Job]) -> None:
        """Replace the list, keeping rows that did not change (so the selection stays put)."""
        jobs = list(jobs)
        if [j.id for j in jobs] == [j.id for j in self.jobs]:
            self.jobs = jobs
            if jobs:
                self.dataChanged.emit(self.index(0, 0), self.index(len(jobs) - 1, 3))
            return
        self.beginResetModel()
        self.jobs = jobs
        self.endResetModel()

    def update_job(self, job: Job) -> None:
        for row, known in enumerate(self.jobs):
            if known.id == job.id:
                self.jobs[row] = job
                self.dataChanged.emit(self.index(row, 0), self.index(row, 3))
                return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.jobs.insert(0, job)
        self.endInsertRows()
