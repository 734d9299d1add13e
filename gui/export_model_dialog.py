"""Export a model trained on this computer, to run it anywhere: the LoRA adapter, a merged model folder or a GGUF
file with an Ollama Modelfile, written into a new folder inside the one the user picks; with a busy bar and cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from core.providers.base import EXPORT_FORMATS, Provider
from gui.tasks import Tasks
from gui.widgets.dialogs import choose_folder
from gui.widgets.message_bar import MessageBar
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating

EXPORTING = "export"


def format_help(kind: str) -> str:
    """What the export is and which programs load it (a provider's download is packed as .tar.zst)."""
    return {"adapter": tr("The LoRA adapter (small): loads with transformers + peft, vLLM (--enable-lora) and "
                          "LLaMA-Factory, on top of the same base model."),
            "merged": tr("A full model folder with the adapter merged in: loads with transformers and vLLM like any "
                         "model, and converts for llama.cpp and LM Studio."),
            "gguf": tr("One GGUF file and a Modelfile: runs in llama.cpp, LM Studio and Ollama (ollama create NAME "
                       "-f Modelfile).")}[kind]


class ExportModelDialog(Retranslating, QDialog):
    def __init__(self, provider: Provider, model: str, formats: tuple[str, ...] = EXPORT_FORMATS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export_model_dialog")
        self.provider, self.model, self.formats = provider, model, formats
        self.messages = MessageBar()
        self.tasks = Tasks(self.messages.show_error, "export-model")
        self.kind, self.folder, self.browse = QComboBox(), QLineEdit(), QPushButton()
        self.kind.addItems(["" for _ in formats])
        self.help, self.written = plain_label(QLabel(wordWrap=True)), plain_label(QLabel(wordWrap=True))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.kind_label, self.folder_label, self.title = QLabel(), QLabel(), plain_label(QLabel(wordWrap=True))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow(self.kind_label, self.kind)
        form.addRow(self.folder_label, folder_row)
        layout = QVBoxLayout(self)
        for widget in (self.messages, self.title):
            layout.addWidget(widget)
        layout.addLayout(form)
        for widget in (self.help, self.busy, self.written, self.buttons):
            layout.addWidget(widget)
        self.kind.currentIndexChanged.connect(lambda _: self.help.setText(format_help(self._kind())))
        self.browse.clicked.connect(lambda: self.tasks.run(self._browse()))
        self.buttons.accepted.connect(lambda: self.tasks.replace(EXPORTING, self._export()))
        self.buttons.rejected.connect(self._close)
        self.finished.connect(lambda _: self.tasks.cancel_all())
        self.busy.hide()
        self.retranslate()
        self.resize(640, 300)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Export model"))
        self.title.setText(self.tr("Write {model} into a folder, to run it anywhere.").format(model=self.model))
        self.kind_label.setText(self.tr("Format:"))
        self.folder_label.setText(self.tr("Into folder:"))
        self.browse.setText(self.tr("Choose…"))
        names = {"adapter": self.tr("LoRA adapter"), "merged": self.tr("Merged model"),
                 "gguf": self.tr("GGUF for Ollama and llama.cpp")}
        for index, kind in enumerate(self.formats):
            self.kind.setItemText(index, names[kind])
        self.export_button.setText(self.tr("Export"))
        self.help.setText(format_help(self._kind()))

    def _kind(self) -> str:
        return self.formats[max(0, self.kind.currentIndex())]

    async def _browse(self) -> None:
        folder = await choose_folder(self, self.tr("Export into which folder?"))
        if folder is not None:
            self.folder.setText(str(folder))

    async def _export(self) -> None:
        folder = Path(self.folder.text().strip())
        if not self.folder.text().strip() or not folder.is_absolute():
            self.messages.show_error(self.tr("Choose the folder to export into."), "")
            return
        self.busy.show()
        self.written.clear()
        self.export_button.setEnabled(False)
        try:
            files = await self.provider.export_model(self.model, self._kind(), folder)
        finally:
            self.busy.hide()
            self.export_button.setEnabled(True)
        where = files[0].parent if files else folder
        self.written.setText(self.tr("Written into {folder}: {names}").format(
            folder=where, names=", ".join(p.name for p in files[:8]) + (" …" if len(files) > 8 else "")))

    def _close(self) -> None:
        """Close stops an export still running (what it wrote stays in its own folder)."""
        self.tasks.cancel(EXPORTING)
        self.reject()
