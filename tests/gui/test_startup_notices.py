"""A damaged settings file does not stop the app: it starts with defaults and says once what happened."""

from __future__ import annotations

from core.paths import config_dir
from core.profiles import ProfileService
from core.settings import SettingsStore
from gui.app import create_window
from tests.gui.conftest import until


async def test_the_app_starts_on_damaged_settings_and_shows_the_notice(qtbot, memory_keyring):
    config_dir().mkdir(parents=True)
    (config_dir() / "settings.json").write_text('{"version": 1e400, "last_tab": 3}', encoding="utf-8")
    window = create_window(ProfileService(SettingsStore()))
    qtbot.addWidget(window)
    window.show()
    messages = window.settings_tab.messages
    await until(messages.isVisible)
    assert window.tabs.currentWidget() is window.settings_tab
    assert "settings file was damaged" in messages.text() and "settings.json.damaged-" in messages.text()
    assert window.service.take_notices() == []  # told once
    window.close()
