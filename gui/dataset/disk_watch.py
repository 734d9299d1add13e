"""Noticing when another program changes the open file (our own saves are told apart by the file's time
and size, taken when we wrote it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Signal


def _stamp(path: Path) -> tuple[float, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime, stat.st_size


class DiskWatch(QObject):
    changed = Signal(object)  # the Path that another program changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.stamp: tuple[float, int] | None = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed)

    def watch(self, path: Path | None) -> None:
        """Watch ``path`` as it is now (None: watch nothing)."""
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        self.path = path
        self.stamp = _stamp(path) if path else None
        if path is not None and path.exists():
            self.watcher.addPath(str(path))

    def _changed(self, name: str) -> None:
        path = self.path
        if path is None or str(path) != name or _stamp(path) == self.stamp:
            return  # our own save, or a different file
        if str(path) not in self.watcher.files() and path.exists():
            self.watcher.addPath(str(path))  # editors that replace the file end the watch
        self.changed.emit(path)
