"""Help → Check for updates…: whether a newer release is out and what is new in it, with a button to its page.
Nothing is downloaded or installed: the user takes the new version from the release page. The same check runs
once after the window shows when the user opted in (the Settings tab's check box)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import CoreError
from core.profiles import ProfileService
from core.updates import RELEASES_PAGE, UpdateCheck, UpdateCheckError, check_for_updates
from core.version import APP_NAME
from gui.tasks import Tasks
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


class UpdateDialog(Retranslating, QDialog):
    """Shows one check: while it runs, its outcome, or why it could not tell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("update_dialog")
        self.resize(560, 420)
        self.outcome: UpdateCheck | CoreError | None = None
        self.tasks = Tasks(self._failed, "update check")
        self.status = plain_label(QLabel(wordWrap=True))
        self.hint = plain_label(QLabel(wordWrap=True))
        self.notes = QPlainTextEdit(readOnly=True)  # the release's own text: shown as it was written, never markup
        self.page_button = QPushButton()
        self.page_button.clicked.connect(self._open_page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.page_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.status, self.hint, self.notes, buttons):
            layout.addWidget(widget)
        self.finished.connect(lambda _: self.tasks.cancel_all())
        self.retranslate()

    def check(self) -> asyncio.Task[object]:
        """Ask the release feed (core.updates.release_feed()) and show the answer."""
        self.outcome = None
        self.retranslate()
        return self.tasks.replace("check", self._check())  # asked again: the newer check replaces the older

    async def _check(self) -> None:
        self.show_outcome(await check_for_updates())

    def _failed(self, message: str, hint: str) -> None:
        """The check's error (Tasks logged it): offline, a busy or broken feed."""
        self.show_outcome(CoreError(message, hint))

    def show_outcome(self, outcome: UpdateCheck | CoreError) -> None:
        self.outcome = outcome
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Check for updates"))
        self.page_button.setText(self.tr("Open the release page"))
        outcome = self.outcome
        if outcome is None:
            self._show(self.tr("Looking for a newer version…"), "")
        elif isinstance(outcome, CoreError):  # already in the language it was raised in
            self._show(outcome.user_message, outcome.hint)
        elif outcome.newer:
            self._show(self.tr("{app} {latest} is available; you have {current}.").format(
                           app=APP_NAME, latest=outcome.latest.version, current=outcome.current),
                       self.tr("What is new is below. Download it from the release page: the app never downloads "
                               "or installs anything by itself."), outcome.latest.notes)
        else:
            self._show(self.tr("You have the newest version, {app} {current}.").format(
                           app=APP_NAME, current=outcome.current), "")

    def _show(self, status: str, hint: str, notes: str = "") -> None:
        self.status.setText(status)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.notes.setPlainText(notes)
        self.notes.setVisible(bool(notes))
        self.page_button.setVisible(self.outcome is not None)

    def release_page(self) -> str:
        page = self.outcome.latest.page if isinstance(self.outcome, UpdateCheck) else ""
        return page or RELEASES_PAGE

    def _open_page(self) -> None:
        QDesktopServices.openUrl(QUrl(self.release_page()))


class UpdateChecker(QObject):
    """Help's "Check for updates…" action, and the check after the window shows when the user opted in."""

    def __init__(self, main: QWidget, service: ProfileService, tasks: Tasks) -> None:
        super().__init__(main)
        self.main, self.service, self.tasks = main, service, tasks
        self.dialog: UpdateDialog | None = None
        self.action = QAction(main, triggered=self.show_dialog)
        main.installEventFilter(self)  # the action's text follows the language of the window
        self.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        self.action.setText(self.tr("Check for &updates…"))
        self.action.setToolTip(self.tr("See whether a newer version is out; nothing is downloaded"))

    def _opened_dialog(self) -> UpdateDialog:
        """The one update dialog of the window, made on first use, in front."""
        if self.dialog is None:
            self.dialog = UpdateDialog(self.main)
        self.dialog.open()
        return self.dialog

    def show_dialog(self) -> UpdateDialog:
        dialog = self._opened_dialog()
        dialog.check()
        return dialog

    def check_at_start(self) -> asyncio.Task[object] | None:
        """Only with the user's consent (Settings); the check is quiet unless a newer version is out."""
        if not self.service.settings.check_for_updates:
            return None
        return self.tasks.run(self._check_quietly())

    async def _check_quietly(self) -> None:
        try:
            result = await check_for_updates()
        except UpdateCheckError as error:  # offline at start is no news: Help checks again on demand
            log.info("update check at start: %s (%s)", error.user_message, error.detail)
            return
        if result.newer:
            self._opened_dialog().show_outcome(result)


class UpdateOptIn(Retranslating, QCheckBox):
    """The Settings tab's consent to the check at start."""

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.reload()
        self.toggled.connect(lambda checked: self.service.update(check_for_updates=checked))
        self.retranslate()

    def reload(self) -> None:
        blocked = self.blockSignals(True)
        self.setChecked(self.service.settings.check_for_updates)
        self.blockSignals(blocked)

    def retranslate(self) -> None:
        self.setText(self.tr("Look for a newer version when the app starts"))
        self.setToolTip(self.tr("Reads the version number and release notes from the project's release page; "
                                "nothing is downloaded. Help → Check for updates works either way."))
