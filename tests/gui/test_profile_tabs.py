"""Training, Try it and Models share how they follow the active profile: nothing is asked of the provider
before the user opens the tab, another profile means a new connection (the old one is closed), and closing
the window stops their work."""

from core.profiles import ProfileService
from core.settings import SettingsStore
from gui.app import create_window
from sandbox.launcher import SandboxLauncher
from tests.gui.conftest import until


async def test_profile_tabs_connect_when_opened_and_again_for_another_profile(qtbot, memory_keyring, tmp_path):
    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox")
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.show()
    tabs = (window.training_tab, window.try_it_tab, window.models_tab)
    try:
        assert not any(tab.activated for tab in tabs)
        window.tabs.setCurrentWidget(window.models_tab)
        await until(lambda: window.models_tab.connection.provider is not None)
        assert not window.training_tab.activated and not window.try_it_tab.activated
        for tab in tabs:
            window.tabs.setCurrentWidget(tab)
        await until(lambda: all(tab.connection.provider is not None and not tab.tasks.running for tab in tabs[1:]))
        first = [tab.connection.provider for tab in tabs]

        window.settings_tab.active_profile_changed.emit()  # the user made another profile the active one
        await until(lambda: all(tab.connection.provider not in (None, old) for tab, old in zip(tabs, first,
                                                                                               strict=True)))
        await until(lambda: all(old.chat_client.is_closed() for old in first))
        await until(lambda: window.training_tab.form.model_combo.count() > 0 and window.try_it_tab.model_combo.count())
    finally:
        window.close()
        launcher.stop()
    await until(lambda: not any(tab.tasks.running for tab in tabs))
