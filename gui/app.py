"""Create the QApplication, translations and the qasync loop, then run the main window."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from core.i18n import set_language
from core.paths import resource_path
from core.version import APP_ID, APP_NAME, __version__
from gui.i18n import LanguageManager
from gui.startup_check import missing_library_message, report, xcb_cursor_missing
from gui.theme import apply_theme, saved_theme

if TYPE_CHECKING:
    from core.profiles import ProfileService
    from gui.main_window import MainWindow


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(resource_path("icons", "finetune-studio.svg"))))
    apply_theme(saved_theme())
    return app


def create_window(service: ProfileService) -> MainWindow:
    from gui.main_window import MainWindow  # start-up speed: imported with QApplication already made

    languages = LanguageManager()
    languages.apply(service.settings.language)
    return MainWindow(service, languages)


async def self_test(window: MainWindow) -> int:
    """Open the window, draw an icon, have the Sandbox answer a question, quit: 0 when everything works (packaged
    builds)."""
    from core.chat import ChatRequest, ask, transcript_messages  # start-up speed
    from core.training.service import connect
    from gui import icons

    try:
        await icons.load()
        if icons.icon("home").isNull():
            raise RuntimeError("the icon font is missing")
        provider = await connect(window.service)
        answer = await ask(provider.chat_client, ChatRequest("gpt-4o-mini", transcript_messages("", [], "Hello?")),
                           lambda _: None)
        await provider.close()
    except Exception as exc:  # the self-test reports any failure as its exit status
        print(f"self-test failed: {exc!r}", flush=True)
        return 1
    print(f"self-test: window shown, icons drawn, Sandbox answered {len(answer.text)} characters", flush=True)
    return 0


async def _run_window(app: QApplication, window: MainWindow, smoke: bool, started: float,
                      test: bool = False) -> int:
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    if test:
        shown = asyncio.Event()
        window.first_shown.connect(shown.set)
        window.show()
        await shown.wait()
        status = await self_test(window)
        window.close()
        return status
    if smoke:
        def report_and_quit() -> None:
            print(f"shown in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
            window.close()
            closed.set()
        window.first_shown.connect(report_and_quit)
    else:
        window.first_shown.connect(window.open_keys)
        window.first_shown.connect(window.check_active_profile)
        window.first_shown.connect(window.prepare_dataset_tab)
        window.first_shown.connect(window.first_run)
    window.show()
    await closed.wait()
    return 0


def run_app(service: ProfileService, smoke: bool = False, started: float | None = None, test: bool = False) -> int:
    """Open the main window and run until it is closed (``smoke``: until it has been shown; ``test``: the
    self-test)."""
    started = time.perf_counter() if started is None else started
    if QApplication.instance() is None and xcb_cursor_missing():  # Qt would abort with a cryptic message
        set_language(service.settings.language)
        report(missing_library_message())
        return 1
    import qasync  # start-up speed: after the checks above

    app = create_application()
    service.open_keys_later()  # start-up speed: the keyring is looked for once the window is shown
    window = create_window(service)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        return runner.run(_run_window(app, window, smoke, started, test))
