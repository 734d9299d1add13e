"""Comfort: the window comes back as it was left, Ctrl+1 … Ctrl+7 bring the tabs to the front, the steps are
reachable by keyboard, and every button without words has a name a screen reader can say."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QTabBar

from core.profiles import ProfileService
from core.settings import SettingsStore
from gui.app import create_window
from gui.navigation import DATASET, FILES, HOME, MODELS, TRAINING
from tests.gui.conftest import until


async def test_size_position_and_tab_come_back_after_a_restart(qtbot, window, memory_keyring):
    window.resize(790, 580)  # within the offscreen screen
    window.tabs.setCurrentIndex(MODELS)
    window.close()
    again = create_window(ProfileService(SettingsStore()))
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (790, 580) and again.tabs.currentIndex() == MODELS
    await until(lambda: again.models_tab.activated)  # the tab in front loads once the window shows


async def test_ctrl_and_a_number_brings_each_tab_to_the_front(qtbot, window):
    window.activateWindow()
    for number, index in ((3, DATASET), (4, TRAINING), (7, FILES), (1, HOME)):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0.value + number), Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentIndex() == index
    assert window.tabs.tabToolTip(DATASET) == "Dataset (Ctrl+3)"


async def test_the_steps_take_keyboard_focus_and_open_their_tab(qtbot, window):
    first = window.step_bar.buttons[0]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    second = window.step_bar.buttons[1]
    assert second.hasFocus()
    qtbot.keyClick(second, Qt.Key.Key_Space)
    assert window.tabs.currentIndex() == DATASET


async def test_every_button_without_words_has_an_accessible_name(qtbot, window):
    nameless = set()
    for index in range(window.tabs.count()):  # each tab in front in turn: the buttons a user can reach
        window.tabs.setCurrentIndex(index)
        nameless.update(f"{type(b).__name__} {b.objectName()} in {type(b.parent()).__name__} on tab {index}"
                        for b in window.findChildren(QAbstractButton)
                        if b.isVisible() and not b.text().strip() and not b.accessibleName().strip()
                        and not isinstance(b.parent(), QTabBar))  # Qt's own tab scroll arrows
    assert nameless == set()
