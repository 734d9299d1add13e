"""Status colours that stay readable in light and dark system themes."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

# name: (on a light background, on a dark background)
_COLOURS = {"error": ("#b00020", "#ff8a80"), "ok": ("#1b5e20", "#81c784"), "info": ("#0d47a1", "#82b1ff"),
            "muted": ("#555555", "#aaaaaa"), "warning": ("#8d6e00", "#ffd54f")}


def dark_theme() -> bool:
    return QApplication.palette().window().color().lightness() < 128


def colour(name: str) -> str:
    light, dark = _COLOURS[name]
    return dark if dark_theme() else light


def span(name: str, html: str) -> str:
    """``html`` in the status colour ``name``."""
    return f"<span style='color:{colour(name)}'>{html}</span>"
