"""What the status bar shows about the active profile: checking, connected, or what failed."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QObject, Signal


class LinkState(Enum):
    UNKNOWN = "unknown"
    CHECKING = "checking"
    CONNECTED = "connected"
    FAILED = "failed"


class ConnectionState(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile_name = ""
        self.state = LinkState.UNKNOWN
        self.message = ""

    def set(self, profile_name: str, state: LinkState, message: str = "") -> None:
        self.profile_name, self.state, self.message = profile_name, state, message
        self.changed.emit()
