"""Profiles and test connection, driven through the Settings tab as a user would."""

from PySide6.QtCore import Qt

from core.settings import ProfileKind
from tests.gui.conftest import until
from tests.servers import api_server, closed_port

KEY = "sk-test-gui-0123456789abcdef"


def profile_names(tab):
    model = tab.model
    return [model.index(i).data() for i in range(model.rowCount())]


def add_profile(qtbot, tab, kind, name, base_url, key=""):
    action = next(a for a in tab.add_menu.actions() if a.data() == kind)
    action.trigger()
    tab.form.name.clear()
    qtbot.keyClicks(tab.form.name, name)
    qtbot.keyClicks(tab.form.base_url, base_url)
    if key:
        qtbot.keyClicks(tab.form.api_key, key)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)


def settings(window):
    """The Settings tab, opened as a user would (Home is in front at start)."""
    window.tabs.setCurrentWidget(window.settings_tab)
    return window.settings_tab


def select(tab, name):
    row = next(i for i, text in enumerate(profile_names(tab)) if text.startswith(name))
    tab.profile_list.setCurrentIndex(tab.model.index(row))


async def test_add_edit_switch_and_delete_a_profile(qtbot, window, service, memory_keyring):
    tab = settings(window)
    assert profile_names(tab) == ["Sandbox (offline practice) — active"]

    add_profile(qtbot, tab, ProfileKind.OPENAI, "Work", "", KEY)
    assert profile_names(tab) == ["Sandbox (offline practice)", "Work — active"]  # first key activates it
    assert "Profile: Work" in window.status_label.text()
    work = service.find("Work")
    assert memory_keyring.passwords[("finetune-studio", work.id)] == KEY
    assert KEY not in service.store.path.read_text(encoding="utf-8")
    assert work.base_url == "https://api.openai.com/v1"

    select(tab, "Work")
    assert tab.form.api_key.text() == "" and "Saved" in tab.form.api_key.placeholderText()
    tab.form.name.clear()
    qtbot.keyClicks(tab.form.name, "Work account")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "Work account — active" in profile_names(tab)
    assert memory_keyring.passwords[("finetune-studio", work.id)] == KEY  # unchanged key kept

    select(tab, "Sandbox")
    qtbot.mouseClick(tab.activate_button, Qt.MouseButton.LeftButton)
    assert service.settings.active_profile.is_sandbox
    assert window.status_label.text().startswith("Profile: Sandbox")

    select(tab, "Work account")
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert profile_names(tab) == ["Sandbox (offline practice) — active"]
    assert ("finetune-studio", work.id) not in memory_keyring.passwords


async def test_invalid_input_shows_a_message_and_saves_nothing(qtbot, window, service):
    tab = settings(window)
    add_profile(qtbot, tab, ProfileKind.COMPATIBLE, "Relay", "ftp://nowhere")
    assert tab.messages.isVisible() and tab.messages.level == "error"
    assert "not a web address" in tab.messages.text()
    assert [p.name for p in service.settings.profiles] == ["Sandbox"]
    assert tab.form.base_url.text() == "ftp://nowhere"  # the user's input is kept to correct it


async def test_pasted_endpoint_url_is_normalised(qtbot, window, service):
    add_profile(qtbot, settings(window), ProfileKind.COMPATIBLE, "Relay",
                "relay.example.com/v1/chat/completions", KEY)
    assert service.find("Relay").base_url == "https://relay.example.com/v1"
    assert window.settings_tab.form.base_url.text() == "https://relay.example.com/v1"


async def test_connection_test_shows_the_failing_layer(qtbot, window):
    tab = settings(window)
    add_profile(qtbot, tab, ProfileKind.COMPATIBLE, "Broken", f"http://127.0.0.1:{closed_port()}/v1", KEY)
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: not tab.is_testing())
    text = tab.results.text()
    assert "Connection (TCP): Nothing accepts connections" in text
    assert "Check the port" in text
    assert window.status_label.text() == "Profile: Broken — not connected"
    assert tab.test_button.text() == "Test connection"


async def test_connection_test_against_a_working_server(qtbot, window):
    tab = settings(window)
    with api_server() as origin:
        add_profile(qtbot, tab, ProfileKind.COMPATIBLE, "Local", origin + "/v1", KEY)
        qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
        assert tab.test_button.text() == "Cancel test"
        await until(lambda: not tab.is_testing())
    assert "API and key: The key works: 2 models available." in tab.results.text()
    assert window.status_label.text() == "Profile: Local — connected"


async def test_status_bar_checks_the_active_profile_in_the_background(qtbot, window, service):
    with api_server() as origin:
        add_profile(qtbot, settings(window), ProfileKind.COMPATIBLE, "Local", origin + "/v1", KEY)
        await until(lambda: window.status_label.text() == "Profile: Local — connected")


async def test_environment_key_is_offered_as_a_profile(qtbot, monkeypatch, service, memory_keyring):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_BASE", "https://relay.example.com")
    from gui.app import create_window

    win = create_window(service)
    qtbot.addWidget(win)
    tab = win.settings_tab
    assert not tab.env_banner.isHidden()
    qtbot.mouseClick(tab.env_banner.action, Qt.MouseButton.LeftButton)
    imported = service.find("Environment")
    assert imported.base_url == "https://relay.example.com/v1"
    assert service.key_for(imported) == KEY
    assert tab.env_banner.isHidden()


async def test_without_keyring_the_user_chooses_where_keys_live(qtbot, monkeypatch, no_keyring):
    from core.profiles import ProfileService
    from core.settings import KeyStorage, SettingsStore
    from gui.app import create_window

    service = ProfileService(SettingsStore())
    win = create_window(service)
    qtbot.addWidget(win)
    banner = win.settings_tab.key_banner
    assert not banner.isHidden() and "session only" in banner.text()
    qtbot.mouseClick(banner.action, Qt.MouseButton.LeftButton)
    assert service.settings.key_storage is KeyStorage.FILE
    assert "only your user account can read" in banner.text()
