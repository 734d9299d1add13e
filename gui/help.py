"""Help menu actions: the user guide (Markdown in the app's language), export diagnostics, reset the app."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from core.paths import resource_path


class GuideDialog(QDialog):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guide")
        self.resize(760, 640)
        self.browser = QTextBrowser(openExternalLinks=True)
        QVBoxLayout(self).addWidget(self.browser)
        self.show_language(language)

    def show_language(self, language: str) -> None:
        name = "guide.zh_CN.md" if language == "zh_CN" else "guide.en.md"
        text = resource_path("guide", name).read_text(encoding="utf-8")
        self.browser.setMarkdown(text)
        self.setWindowTitle(text.splitlines()[0].lstrip("# "))
