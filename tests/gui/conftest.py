"""GUI tests run their coroutines on a qasync loop, as the app does."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

import pytest
import qasync
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from core.profiles import ProfileService
from core.settings import SettingsStore


def _qasync_loop() -> asyncio.AbstractEventLoop:
    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)  # closing a test's window must not stop the loop
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config, item):
    return {"qasync": _qasync_loop}


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run until ``predicate()`` is true (fails after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await asyncio.sleep(0.02)


async def settled(window) -> None:
    """Let the work a window starts once shown (Home loading the profile's jobs and models) finish in this loop. A
    fixture that shows a window awaits it before it yields: between a fixture and its test, pytest-qt handles Qt
    events outside any running asyncio loop, where a task's network steps fail ("not in async context")."""
    home = window.home
    await until(lambda: window._shown_once and home.activated and (home.loaded or not home.messages.isHidden()))


@pytest.fixture(autouse=True)
async def drain_loop():
    """After each test, finish the app's background tasks before the loop closes, so no socket
    notifier or timer outlives its loop (Qt would call into a dead loop later)."""
    yield
    from gui.main_window import MainWindow

    for widget in QApplication.topLevelWidgets():  # windows a test left open: stop their timers and tasks
        if isinstance(widget, MainWindow):
            widget._closing = True  # no "save changes?" question: the test is over
            widget.close()
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await asyncio.sleep(0.05)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # delete closed windows while all is alive
    # The test's Qt wrappers are freed now, while its loop and app are alive, not by a collection that happens to
    # run during a later test (the rare crashes seen in qasync's loop and pytest-qt's teardown).
    gc.collect()


@pytest.fixture
def service(memory_keyring):
    return ProfileService(SettingsStore())


@pytest.fixture
async def window(qtbot, service):
    from gui.app import create_window

    win = create_window(service)
    win.show()
    await settled(win)
    yield win
    win.languages.apply("en")
    win.close()  # cancels the window's background tasks
    await asyncio.sleep(0.05)
    win.deleteLater()
