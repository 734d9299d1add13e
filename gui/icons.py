"""One icon set (Material Design Icons through qtawesome) for tabs, steps, toolbars and states.

Start-up speed: qtawesome (about 0.2 s to import) loads in a worker thread once the window is shown. Widgets ask
for their icon with ``attach``; it is set as soon as the set is loaded, and again in the new colours whenever the
theme changes."""

from __future__ import annotations

import logging
import sys
import weakref
from importlib import import_module
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QIcon, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication

from core.background import run_blocking
from gui.colors import colour

# Our names for what an icon means -> (Material Design Icons 6 name, status colour or "" for the text colour).
NAMES = {
    "home": ("home-outline", ""), "settings": ("cog-outline", ""), "dataset": ("table-edit", ""),
    "training": ("school-outline", ""), "try": ("chat-processing-outline", ""), "models": ("cube-outline", ""),
    "files": ("file-multiple-outline", ""), "new": ("file-plus-outline", ""), "open": ("folder-open-outline", ""),
    "save": ("content-save-outline", ""), "template": ("file-document-multiple-outline", ""),
    "add_row": ("table-row-plus-after", ""), "delete": ("delete-outline", ""), "up": ("arrow-up", ""),
    "down": ("arrow-down", ""), "undo": ("undo", ""), "redo": ("redo", ""), "recent": ("history", ""),
    "fix": ("wrench-outline", ""), "export": ("export", ""), "grow": ("sprout-outline", ""),
    "practise": ("flask-outline", ""), "account": ("account-plus-outline", ""), "start": ("play-circle-outline", ""),
    "next": ("arrow-right", ""), "copy": ("content-copy", ""),
    "error": ("close-circle", "error"), "warning": ("alert", "warning"), "ok": ("check-circle", "ok"),
}
ON_ACCENT = "on_accent"  # an icon on a primary button
log = logging.getLogger(__name__)


class _Notifier(QObject):
    changed = Signal()  # the set was loaded, or the theme changed its colours


_notifier: _Notifier | None = None
_ready = False  # the set is imported (a flag, not sys.modules: that holds a module still being imported)
_attached: list[tuple[weakref.ref[Any], str, str]] = []
_font: Any = None  # the icon font, made on the GUI thread at the first icon


def notifier() -> _Notifier:
    global _notifier
    if _notifier is None:
        _notifier = _Notifier(QApplication.instance())
    return _notifier


def loaded() -> bool:
    return _ready


def icon(name: str, tint: str = "") -> QIcon:
    """The icon ``name`` (see NAMES) in the theme's colours, or in the colour ``tint`` (a gui.colors name); an empty
    icon while the set is not loaded."""
    if not loaded():
        return QIcon()
    glyph, status = NAMES[name]
    palette = QApplication.palette()
    tint = tint or status
    text = colour(tint) if tint else palette.color(QPalette.ColorRole.ButtonText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    return _icon_font().icon(f"mdi6.{glyph}", color=text, color_disabled=disabled)


def _icon_font() -> Any:
    """Only the Material Design Icons 6 font: qtawesome's own instance loads a dozen fonts on the GUI thread
    (about 45 ms against 20 for the one we draw with)."""
    global _font
    if _font is None:
        qtawesome = sys.modules["qtawesome"]
        mdi6 = next((f for f in getattr(qtawesome, "_BUNDLED_FONTS", ()) if f[0] == "mdi6"), None)
        _font = import_module("qtawesome.iconic_font").IconicFont(mdi6) if mdi6 else qtawesome._instance()
    return _font


def attach(target: QAction | QAbstractButton, name: str, tint: str = "") -> None:
    """Show icon ``name`` on ``target`` now if the set is loaded, and whenever it changes colour (a primary
    button's icon: ``tint=ON_ACCENT``)."""
    _attached.append((weakref.ref(target), name, tint))
    if loaded():
        target.setIcon(icon(name, tint))


def refresh() -> None:
    """Set every attached icon again (the set was loaded, or the theme changed), then tell the others."""
    if not loaded():
        return
    from shiboken6 import isValid

    alive = [(ref, name, tint) for ref, name, tint in _attached if ref() is not None and isValid(ref())]
    _attached[:] = alive
    for ref, name, tint in alive:
        ref().setIcon(icon(name, tint))
    notifier().changed.emit()


async def load() -> None:
    """Import the icon set beside the running window, then show every icon asked for so far."""
    global _ready
    if not _ready:
        try:
            await run_blocking(import_module, "qtawesome")
        except ImportError as error:  # an install without the icon set still works, with words only
            log.warning("no icons: %s", error)
            return
        _ready = True
    refresh()
