"""Install Qt translators for the chosen language; widgets retranslate on LanguageChange."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from core.i18n import set_language
from core.paths import resource_path


class LanguageManager:
    """Keeps the installed translators so a later switch can remove them."""

    def __init__(self) -> None:
        self._translators: list[QTranslator] = []
        self.language = "en"

    def apply(self, language: str) -> str:
        """Switch the whole app (Qt's own dialogs, our widgets, core messages); returns the language used."""
        app = QCoreApplication.instance()
        for translator in self._translators:
            app.removeTranslator(translator)
        self._translators.clear()
        self.language = set_language(language)
        if self.language != "en":
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            sources = [(f"finetune_studio_{self.language}", str(resource_path("translations"))),
                       (f"qtbase_{self.language}", qt_dir), (f"qt_{self.language}", qt_dir)]
            for name, directory in sources:
                translator = QTranslator(app)
                if translator.load(name, directory):
                    app.installTranslator(translator)
                    self._translators.append(translator)
        QLocale.setDefault(QLocale(self.language if self.language != "en" else "en_US"))
        return self.language
