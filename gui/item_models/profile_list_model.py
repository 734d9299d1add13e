"""The list of connection profiles, read from the ProfileService; the active one in bold."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from core.profiles import ProfileService
from core.settings import Profile

ProfileIdRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class ProfileListModel(QAbstractListModel):
    def __init__(self, service: ProfileService) -> None:
        super().__init__()
        self.service = service
        self._profiles: tuple[Profile, ...] = service.settings.profiles

    def reload(self) -> None:
        self.beginResetModel()
        self._profiles = self.service.settings.profiles
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._profiles)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._profiles):
            return None
        profile = self._profiles[index.row()]
        active = profile.id == self.service.settings.active_profile_id
        if role == Qt.ItemDataRole.DisplayRole:
            name = self.tr("Sandbox (offline practice)") if profile.is_sandbox else profile.name
            return self.tr("{name} — active").format(name=name) if active else name
        if role == Qt.ItemDataRole.FontRole and active:
            font = QFont()
            font.setBold(True)
            return font
        if role == ProfileIdRole:
            return profile.id
        return None

    def row_of(self, profile_id: str) -> int:
        return next((i for i, p in enumerate(self._profiles) if p.id == profile_id), -1)
