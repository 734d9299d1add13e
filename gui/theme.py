"""The app's look in one place: the spacing grid, the type scale, primary buttons and cards (one application
style sheet), and the light or dark theme — following the system, or chosen in Settings and remembered.

Where the platform follows a chosen colour scheme itself (Windows 11, macOS, GNOME through the portal), Qt's own
palette is kept; elsewhere (Linux without a platform theme) the app paints itself with Fusion and a palette."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLayout, QWidget

from core.paths import config_dir
from gui import icons
from gui.colors import colour, dark_theme
from gui.widgets.retranslating import Retranslating

# The spacing grid: every margin and gap is one of these.
SMALL, MEDIUM, LARGE = 4, 8, 16
# The type scale, relative to the system font: (size factor, bold).
TEXT_ROLES = {"heading": (1.45, True), "title": (1.15, True), "lead": (1.1, False), "body": (1.0, False),
              "caption": (0.9, False)}
THEMES = ("system", "light", "dark")
_DARK = {"Window": "#202124", "WindowText": "#e8eaed", "Base": "#292a2d", "AlternateBase": "#303134",
         "Text": "#e8eaed", "Button": "#303134", "ButtonText": "#e8eaed", "ToolTipBase": "#3c4043",
         "ToolTipText": "#e8eaed", "PlaceholderText": "#9aa0a6", "BrightText": "#ffffff", "Highlight": "#8ab4f8",
         "HighlightedText": "#202124", "Link": "#8ab4f8", "LinkVisited": "#c58af9", "Light": "#5f6368",
         "Midlight": "#494c50", "Mid": "#3c4043", "Dark": "#17181a", "Shadow": "#000000"}
_DISABLED = {"WindowText": "#80868b", "Text": "#80868b", "ButtonText": "#80868b", "HighlightedText": "#80868b"}
_platform: tuple[str, QPalette] | None = None  # the style and palette the platform gave, before any change
Button = TypeVar("Button", bound=QAbstractButton)


def space(layout: QLayout, margin: int = 0, spacing: int = MEDIUM) -> QLayout:
    """``layout`` on the grid: ``margin`` around it, ``spacing`` between its items."""
    layout.setContentsMargins(margin, margin, margin, margin)
    layout.setSpacing(spacing)
    return layout


def text_role(widget: QWidget, role: str) -> QWidget:
    """``widget``'s text in a step of the type scale (heading, title, lead, body, caption); captions are muted."""
    factor, bold = TEXT_ROLES[role]
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    widget.setFont(font)
    widget.setProperty("role", role)
    return widget


def make_primary(button: Button, primary: bool = True) -> Button:
    """The tab's one obvious next action, in the accent colour (``primary=False``: an ordinary button again)."""
    if button.property("primary") == primary:
        return button
    button.setProperty("primary", primary)
    button.style().unpolish(button)
    button.style().polish(button)
    return button


def style_sheet() -> str:
    """Primary buttons, cards and captions in the colours of the current theme."""
    palette = QApplication.palette()
    mid = palette.color(QPalette.ColorRole.Mid).name()
    base = palette.color(QPalette.ColorRole.Base).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    button = palette.color(QPalette.ColorRole.Button).name()
    primary = 'QPushButton[primary="true"], QToolButton[primary="true"]'
    return f"""
{primary} {{ background-color: {colour('accent')}; color: {colour('on_accent')};
    border: 1px solid {colour('accent')}; border-radius: 4px; padding: {SMALL}px {LARGE}px; font-weight: bold; }}
{_states(primary, ':focus')} {{ border: 2px solid {colour('on_accent')}; }}
{_states(primary, ':pressed')} {{ border: 2px solid {palette.color(QPalette.ColorRole.Text).name()}; }}
{_states(primary, ':disabled')} {{ background-color: {button}; color: {disabled}; border-color: {mid}; }}
QPushButton[item="true"] {{ text-align: left; padding: {SMALL}px {MEDIUM}px; border: 1px solid transparent;
    border-radius: 4px; background: transparent; font-weight: bold; }}
QPushButton[item="true"]:hover {{ background-color: {palette.color(QPalette.ColorRole.Midlight).name()};
    border-color: {mid}; }}
QPushButton[item="true"]:focus {{ border-color: {colour('accent')}; }}
QFrame#card {{ background-color: {base}; border: 1px solid {mid}; border-radius: 8px; }}
QFrame#card QLabel {{ background: transparent; }}
QLabel[role="caption"] {{ color: {colour('muted')}; }}
"""


def _states(selectors: str, state: str) -> str:
    """``state`` (":focus") added to each of the comma-separated ``selectors``."""
    return ", ".join(selector.strip() + state for selector in selectors.split(","))


# -- the theme -------------------------------------------------------------------------------------------
def _settings() -> QSettings:
    """Window-only preferences, beside the app's settings file (the same folder, reset with it)."""
    return QSettings(str(config_dir() / "appearance.ini"), QSettings.Format.IniFormat)


def saved_theme() -> str:
    value = _settings().value("theme", "system")
    return value if value in THEMES else "system"


def save_theme(choice: str) -> None:
    settings = _settings()
    settings.setValue("theme", choice if choice in THEMES else "system")
    settings.sync()


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, code in _DARK.items():
        palette.setColor(getattr(QPalette.ColorRole, role), code)
    for role, code in _DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role), code)
    return palette


def _wants_dark(choice: str, platform_dark: bool) -> bool:
    if choice != "system":
        return choice == "dark"
    scheme = QApplication.styleHints().colorScheme()
    return platform_dark if scheme == Qt.ColorScheme.Unknown else scheme == Qt.ColorScheme.Dark


def _system_changed() -> None:
    """The system switched between light and dark: follow it unless the user chose one."""
    if saved_theme() == "system":
        apply_theme("system")


def apply_theme(choice: str) -> None:
    """Light, dark, or the system's scheme, at once: palette, style sheet and icons."""
    global _platform
    app = QApplication.instance()
    hints = app.styleHints()
    if _platform is None:
        _platform = (app.style().name(), QPalette(app.palette()))
        hints.colorSchemeChanged.connect(_system_changed)
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+: the platforms that can follow a chosen scheme do
        hints.setColorScheme({"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(
            choice, Qt.ColorScheme.Unknown))
    if app.style().name() != _platform[0]:
        app.setStyle(_platform[0])
    app.setPalette(QPalette())  # what the platform paints now
    dark = _wants_dark(choice, dark_theme())
    if dark != dark_theme():  # the platform did not follow: paint it ourselves
        app.setStyle("Fusion")
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
    app.setStyleSheet(style_sheet())
    icons.refresh()  # their colours follow the palette
    for widget in app.allWidgets():  # texts coloured for the old theme are coloured again
        if isinstance(widget, Retranslating):
            widget.retranslate()
