"""The Models tab's table: each model with its base model, suffix, date, job and deployment."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_time
from core.i18n import tr
from core.models import ModelInfo
from core.providers.base import Deployment
from gui.deploying import deployment_text
from gui.widgets.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex
DEPLOYMENT_COLUMN = 5


class ModelsTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.models: list[ModelInfo] = []
        self.deployments: dict[str, Deployment] = {}  # by model id

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.models)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("Model"), tr("Base model"), tr("Suffix"), tr("Created"), tr("Job"), tr("Deployment"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        text = self._text(self.models[index.row()], index.column())
        return tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text

    def _text(self, model: ModelInfo, column: int) -> str:
        if column == DEPLOYMENT_COLUMN:
            return deployment_text(self.deployments.get(model.id)) if model.fine_tuned else ""
        return (model.id, model.base, model.suffix, local_time(model.created, "%Y-%m-%d %H:%M"),
                model.job_id)[column]

    def show(self, models: list[ModelInfo]) -> None:
        self.beginResetModel()
        self.models = models
        self.endResetModel()
