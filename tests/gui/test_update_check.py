"""Help → Check for updates… against a release feed on 127.0.0.1, and the opt-in check at start (Settings)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from core.updates import FEED_VARIABLE
from core.version import __version__
from gui.app import create_window
from tests.gui.conftest import until
from tests.gui.test_dataset_tab import dialog
from tests.servers import closed_port, make_handler, serve

PAGE = "https://github.com/example/finetune-studio/releases/tag/v99.0.0"


def feed(tag: str) -> type:
    return make_handler(200, json.dumps({"tag_name": tag, "name": f"FineTune Studio {tag}", "html_url": PAGE,
                                         "body": "## New\n- <b>Faster</b> start"}))


class Browser(QObject):
    """Stands in for the web browser: Qt hands it the addresses the app opens."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser():
    browser = Browser()
    QDesktopServices.setUrlHandler("https", browser, "open_url")
    yield browser
    QDesktopServices.unsetUrlHandler("https")


def check_for_updates(window) -> None:
    """Help → Check for updates…, as the user picks it."""
    next(a for a in window.help.menu.actions() if a.text() == "Check for &updates…").trigger()


async def test_a_newer_version_shows_what_is_new_and_opens_its_page(window, monkeypatch, browser):
    with serve(feed("v99.0.0")) as origin:
        monkeypatch.setenv(FEED_VARIABLE, f"{origin}/releases/latest")
        check_for_updates(window)
        await until(lambda: "is available" in window.help.updates.dialog.status.text())
    shown = window.help.updates.dialog
    assert shown.status.text() == f"FineTune Studio 99.0.0 is available; you have {__version__}."
    assert shown.notes.toPlainText() == "## New\n- <b>Faster</b> start"  # the release's text as written
    assert "never downloads" in shown.hint.text()
    shown.page_button.click()
    assert browser.opened == [PAGE]


async def test_the_newest_version_and_offline_are_said_plainly(window, monkeypatch):
    with serve(feed(f"v{__version__}")) as origin:
        monkeypatch.setenv(FEED_VARIABLE, origin)
        check_for_updates(window)
        await until(lambda: "newest" in window.help.updates.dialog.status.text())
    assert window.help.updates.dialog.status.text() == f"You have the newest version, FineTune Studio {__version__}."
    assert window.help.updates.dialog.notes.isHidden()
    window.help.updates.dialog.close()

    monkeypatch.setenv(FEED_VARIABLE, f"http://127.0.0.1:{closed_port()}/releases/latest")
    check_for_updates(window)
    await until(lambda: "could not be reached" in window.help.updates.dialog.status.text())
    assert "in a browser" in window.help.updates.dialog.hint.text()


def open_window(qtbot, service):
    window = create_window(service)
    qtbot.addWidget(window)
    window.show()
    return window


async def test_no_check_at_start_without_the_users_consent(qtbot, service, monkeypatch):
    handler = feed("v99.0.0")
    with serve(handler) as origin:
        monkeypatch.setenv(FEED_VARIABLE, origin)
        window = open_window(qtbot, service)
        await until(lambda: window._shown_once)
        check_for_updates(window)  # on demand: the one request the feed should see
        await until(lambda: "is available" in window.help.updates.dialog.status.text())
    assert len(handler.seen_headers) == 1


async def test_the_check_at_start_when_the_user_opted_in(qtbot, service, monkeypatch):
    service.update(check_for_updates=True)
    with serve(feed("v99.0.0")) as origin:
        monkeypatch.setenv(FEED_VARIABLE, origin)
        open_window(qtbot, service)
        await until(lambda: dialog("update_dialog") is not None)
    assert dialog("update_dialog").status.text().startswith("FineTune Studio 99.0.0 is available")


async def test_the_settings_check_box_is_the_consent(window, service):
    window.tabs.setCurrentWidget(window.settings_tab)
    box = window.settings_tab.update_opt_in
    assert box.text() == "Look for a newer version when the app starts" and not box.isChecked()
    box.click()
    assert service.settings.check_for_updates is True
    box.click()
    assert service.settings.check_for_updates is False
