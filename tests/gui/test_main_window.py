from core.profiles import ProfileService
from core.settings import SettingsStore
from gui.app import create_window
from tests.gui.conftest import until

TAB_TITLES = ["Home", "Settings", "Dataset", "Training", "Try it", "Models", "Files"]


async def test_tabs_and_title(window):
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == TAB_TITLES
    assert window.windowTitle() == "Untitled dataset[*] — FineTune Studio"  # Qt shows [*] as * when modified
    assert not window.isWindowModified()


async def test_status_bar_shows_the_active_profile(window):
    assert window.status_label.text() == "Profile: Sandbox (practice, nothing is billed) — not checked yet"


async def test_geometry_and_last_tab_are_remembered(qtbot, window, memory_keyring):
    window.resize(780, 560)
    window.tabs.setCurrentIndex(3)
    window.close()
    again = create_window(ProfileService(SettingsStore()))
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == 3
    assert (again.width(), again.height()) == (780, 560)


async def test_damaged_geometry_falls_back_to_a_default_size(qtbot, service):
    service.update(window_geometry="not base64 geometry", last_tab=42)
    win = create_window(service)
    qtbot.addWidget(win)
    assert win.tabs.currentIndex() == win.tabs.count() - 1
    assert win.width() >= 760


async def test_sandbox_profile_connects_through_the_built_in_server(qtbot, memory_keyring):
    from core.profiles import ProfileService
    from core.settings import SettingsStore
    from sandbox.launcher import SandboxLauncher
    from tests.gui.conftest import until

    launcher = SandboxLauncher(job_seconds=1.0)
    win = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    try:
        win.check_active_profile()
        await until(lambda: win.status_label.text().endswith("— connected"))
        assert win.status_label.text().startswith("Profile: Sandbox (practice, nothing is billed)")
        assert launcher.server is not None and launcher.server.base_url.startswith("http://127.0.0.1:")
    finally:
        win.close()
        launcher.stop()
    assert launcher.server is None


async def test_help_guide_in_both_languages_and_reset(window, service, qtbot):
    from dataclasses import replace

    from PySide6.QtWidgets import QMessageBox

    from core.settings import ProfileKind, new_profile
    from tests.gui.test_dataset_tab import answer, dialog

    window.help.show_guide()
    assert "Practise first" in dialog("guide").browser.toPlainText()
    window.help.guide.close()
    window.languages.apply("zh_CN")
    window.help.show_guide()
    assert "先免费练习" in dialog("guide").browser.toPlainText()
    window.help.guide.close()
    window.languages.apply("en")

    service.save_profile(replace(new_profile(ProfileKind.OPENAI, "Work"), base_url="https://api.openai.com/v1"),
                         "sk-reset-0123456789abcdef")
    service.update(language="zh_CN", welcome_done=True)
    window.help.reset_action.trigger()
    await answer(QMessageBox.StandardButton.Reset)
    await until(lambda: len(service.settings.profiles) == 1)
    assert service.settings.active_profile.is_sandbox and not service.settings.welcome_done
    assert service.settings.language == "system"


async def test_an_error_of_the_windows_own_work_is_shown_on_any_tab(window, monkeypatch, tmp_path):
    import gui.help_menu
    from tests.gui.test_dataset_tab import answer_file_dialog, dialog

    def disk_full(path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(gui.help_menu, "write_diagnostics", disk_full)
    window.tabs.setCurrentWidget(window.dataset_tab)
    window.help.diagnostics_action.trigger()
    await answer_file_dialog(tmp_path / "diagnostics.zip")
    await until(lambda: dialog("window_error") is not None)
    assert "diagnostics.zip" in dialog("window_error").text()
    dialog("window_error").close()
