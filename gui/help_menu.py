"""The Help menu: the user guide, the welcome guide, the log folder, diagnostics for support, resetting the app,
the update check and About. Resetting and the welcome guide touch the whole window: they are asked for by
signals."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMainWindow

from core.background import run_blocking
from core.diagnostics import write_diagnostics
from core.paths import log_dir
from core.profiles import ProfileService
from core.version import APP_NAME, __version__
from gui.i18n import LanguageManager
from gui.tasks import Tasks


class HelpMenu(QObject):
    welcome_chosen = Signal()
    reset_chosen = Signal()

    def __init__(self, window: QMainWindow, service: ProfileService, languages: LanguageManager,
                 tasks: Tasks) -> None:
        super().__init__(window)
        self.window, self.languages, self.tasks = window, languages, tasks
        self.menu = window.menuBar().addMenu("")
        self.welcome_action = QAction(window, triggered=lambda: self.welcome_chosen.emit())
        self.guide_action = QAction(window, shortcut="F1", triggered=self.show_guide)
        self.diagnostics_action = QAction(window, triggered=lambda: self.tasks.run(self._export_diagnostics()))
        self.reset_action = QAction(window, triggered=lambda: self.reset_chosen.emit())
        self.log_action = QAction(window, triggered=self._open_log_folder)
        self.about_action = QAction(window, triggered=self._show_about)
        self.menu.addActions([self.guide_action, self.welcome_action, self.log_action])
        self.menu.addSeparator()
        self.menu.addActions([self.diagnostics_action, self.reset_action])
        self.menu.addSeparator()
        from gui.update_check import UpdateChecker  # start-up speed

        self.updates = UpdateChecker(window, service, tasks)
        self.menu.addActions([self.updates.action, self.about_action])

    def retranslate(self) -> None:
        self.menu.setTitle(self.tr("&Help"))
        self.welcome_action.setText(self.tr("&Welcome guide"))
        self.guide_action.setText(self.tr("&User guide"))
        self.diagnostics_action.setText(self.tr("Export &diagnostics…"))
        self.diagnostics_action.setToolTip(self.tr("Save logs and settings for support, without any key"))
        self.reset_action.setText(self.tr("&Reset the app…"))
        self.log_action.setText(self.tr("Open the &log folder"))
        self.about_action.setText(self.tr("&About FineTune Studio"))

    def show_guide(self) -> None:
        from gui.help import GuideDialog  # start-up speed

        self.guide = GuideDialog(self.languages.language, self.window)
        self.guide.open()

    async def _export_diagnostics(self) -> None:
        from gui.widgets.dialogs import choose_file  # start-up speed

        path = await choose_file(self.window, self.tr("Save diagnostics"), "Zip (*.zip)", save=True,
                                 suggested=Path.home() / "finetune-studio-diagnostics.zip")
        if path is not None:
            saved = await run_blocking(write_diagnostics, path)
            self.window.statusBar().showMessage(self.tr("Diagnostics saved to {path} (no keys inside).").format(
                path=saved), 10_000)

    def _open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))

    def _show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # start-up speed

        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About FineTune Studio"),
                          self.tr("{app} {version}\nFine-tune OpenAI-compatible models without a terminal.").format(
                              app=APP_NAME, version=__version__), parent=self.window)
        box.open()  # non-blocking: never exec() under qasync
