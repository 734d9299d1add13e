"""Status colours follow the system theme."""

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from gui.colors import colour, span


def test_dark_themes_get_light_status_colours(qtbot):
    app = QApplication.instance()
    original = app.palette()
    try:
        assert colour("error") == "#b00020"
        dark = QPalette(original)
        dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
        app.setPalette(dark)
        assert colour("error") == "#ff8a80" and "#81c784" in span("ok", "Ready")
    finally:
        app.setPalette(original)
