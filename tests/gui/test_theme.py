"""Settings → Colours: light or dark applies at once (palette, status colours, primary buttons, icons, banners)
and is remembered for the next start; "Follow the system" goes back to the platform's own look."""

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from core.profiles import ProfileService
from core.settings import SettingsStore
from gui import icons
from gui.colors import colour, dark_theme
from gui.navigation import HOME, SETTINGS
from gui.theme import apply_theme, saved_theme
from tests.gui.conftest import until


@pytest.fixture
def restore_theme():
    yield
    apply_theme("system")
    QApplication.instance().setStyleSheet("")  # the other tests run with Qt's plain look, as before


def icon_ink(window) -> QColor:
    """The colour the Home tab's icon is drawn in."""
    image = window.tabs.tabIcon(HOME).pixmap(32, 32).toImage()
    return next(image.pixelColor(x, y) for y in range(32) for x in range(32) if image.pixelColor(x, y).alpha() > 200)


async def test_the_colour_switch_applies_at_once_and_is_remembered(qtbot, window, restore_theme):
    window.tabs.setCurrentIndex(SETTINGS)
    tab = window.settings_tab
    combo = tab.theme_combo
    assert combo.currentText() == "Follow the system" and not dark_theme()
    await until(icons.loaded)
    assert icon_ink(window).lightness() < 128  # dark icons on a light window
    banner = window.home.messages  # this window has no Sandbox: Home says so in an error banner
    await until(lambda: banner.level == "error")
    assert "#fdecea" in banner.styleSheet()

    combo.setCurrentIndex(combo.findText("Dark"))
    assert dark_theme() and colour("error") == "#ff8a80" and saved_theme() == "dark"
    assert colour("accent") in QApplication.instance().styleSheet()  # primary buttons in the dark accent
    assert icon_ink(window).lightness() > 128
    assert "#3c1f1f" in banner.styleSheet()  # shown before the switch, recoloured with it

    again = create_window_for(qtbot)  # the next start
    assert again.settings_tab.theme_combo.currentText() == "Dark"

    combo.setCurrentIndex(combo.findText("Light"))
    assert not dark_theme() and colour("error") == "#b00020" and saved_theme() == "light"
    combo.setCurrentIndex(combo.findText("Follow the system"))
    assert saved_theme() == "system" and not dark_theme()


def create_window_for(qtbot):
    from gui.app import create_window

    window = create_window(ProfileService(SettingsStore()))
    qtbot.addWidget(window)
    return window


async def test_every_icon_name_is_drawn_by_the_icon_set(qtbot):
    await icons.load()
    assert all(not icons.icon(name).isNull() for name in icons.NAMES)
    assert not icons.icon("practise", icons.ON_ACCENT).isNull()
