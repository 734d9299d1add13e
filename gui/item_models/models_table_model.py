"""The Models tab's table: each model with its base model, suffix, date, job and deployment."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_time
from core.deadlines import shutdown_date, shutdown_text
from core.i18n import tr
from core.models import ModelInfo
from core.providers.base import Deployment
from gui.deploying import deployment_text
from gui.widgets.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex
DEPLOYMENT_COLUMN = 5
SHUTDOWN_COLUMN = 6


class ModelsTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.models: list[ModelInfo] = []
        self.deployments: dict[str, Deployment] = {}  # by model id
        self.deadlines = False  # show OpenAI's shutdown dates (OpenAI-shaped profiles only)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.models)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("Model"), tr("Base model"), tr("Suffix"), tr("Created"), tr("Job"), tr("Deployment"),
                tr("Shuts down"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        model = self.models[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == SHUTDOWN_COLUMN:
            day = shutdown_date(model.id, model.shutdown or None) if self.deadlines else None
            return tr("Shuts down on {date}; models fine-tuned from it stop answering the same day.").format(
                date=day) if day else None
        text = self._text(model, index.column())
        return tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text

    def _text(self, model: ModelInfo, column: int) -> str:
        if column == SHUTDOWN_COLUMN:
            return shutdown_text(shutdown_date(model.id, model.shutdown or None)) if self.deadlines else ""
        if column == DEPLOYMENT_COLUMN:
            return deployment_text(self.deployments.get(model.id)) if model.fine_tuned else ""
        return (model.id, model.base, model.suffix, local_time(model.created, "%Y-%m-%d %H:%M"),
                model.job_id)[column]

    def show(self, models: list[ModelInfo]) -> None:
        self.beginResetModel()
        self.models = models
        self.endResetModel()
