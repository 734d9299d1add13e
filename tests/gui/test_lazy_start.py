"""Start-up speed (issue 21): the window builds only the tab in front; the others are built when opened or used,
wired like the rest; the keyring is looked for once the window is shown."""

from __future__ import annotations

from gui.navigation import DATASET, HOME, MODELS, TRAINING
from tests.gui.conftest import until


async def test_only_the_tab_in_front_is_built_and_the_others_on_first_use(qtbot, window):
    from gui.home_page import HomePage
    from gui.training_tab import TrainingTab

    assert isinstance(window.tabs.widget(HOME), HomePage)
    assert not isinstance(window.tabs.widget(TRAINING), TrainingTab)  # a placeholder until opened
    training = window.training_tab  # code that uses a tab builds it in its place, the front tab staying
    assert window.tabs.widget(TRAINING) is training and window.tabs.currentIndex() == HOME
    assert window.tabs.tabText(TRAINING) == "Training"
    window.tabs.setCurrentIndex(MODELS)  # opening a tab builds it and loads it
    models = window.models_tab
    assert window.tabs.currentWidget() is models and models.activated
    models.try_model.emit("ft:gpt-4o-mini:sums")  # signals between tabs are wired when a tab is built
    assert window.tabs.currentWidget() is window.try_it_tab


async def test_the_dataset_tab_adds_its_file_commands_before_quit(qtbot, window):
    texts = [action.text() for action in window.file_menu.actions() if action.text()]
    assert texts == ["&Quit"]
    window.file_menu.aboutToShow.emit()  # opening the File menu builds the Dataset tab
    actions = window.file_menu.actions()
    assert window.tabs.widget(DATASET) is window.dataset_tab
    assert len(actions) > 3 and actions[-1] is window.quit_action and actions[-2].isSeparator()
    assert window.dataset_tab.actions.open in actions


async def test_the_app_finds_the_keyring_after_showing_the_window(qtbot, no_keyring):
    from core.profiles import ProfileService
    from core.settings import SettingsStore
    from gui.app import create_window

    service = ProfileService(SettingsStore())
    service.open_keys_later()  # as run_app does
    win = create_window(service)
    qtbot.addWidget(win)
    banner = win.settings_tab.key_banner
    assert banner.isHidden() and service._keys is None  # not looked for yet
    win.show()
    win.open_keys()  # what run_app connects to first_shown
    await until(lambda: not banner.isHidden())
    assert "session only" in banner.text()
    assert service.key_for(service.settings.active_profile) == "sandbox"


async def test_a_key_read_before_the_keyring_was_found_opens_the_store(memory_keyring):
    from core.profiles import ProfileService
    from core.settings import SettingsStore

    service = ProfileService(SettingsStore())
    service.open_keys_later()
    service.keys.set("work", "sk-test")
    assert service._keys is not None and service.keys.get("work") == "sk-test"
    assert memory_keyring.passwords[("finetune-studio", "work")] == "sk-test"
