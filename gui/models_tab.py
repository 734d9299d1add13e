"""Models: your fine-tuned models (with their base model, suffix, job and date) and the provider's others;
try one, continue training it, or delete the ones you no longer need."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.deadlines import shows_deadlines
from core.models import ModelInfo
from core.profiles import ProfileService
from core.providers import capabilities_for
from core.providers.base import Capabilities
from gui.deploying import deploy_with_confirmation, undeploy_with_confirmation
from gui.export_model_dialog import ExportModelDialog
from gui.item_models.models_table_model import DEPLOYMENT_COLUMN, SHUTDOWN_COLUMN, ModelsTableModel
from gui.profile_tab import ProfileTab
from gui.theme import make_primary
from gui.widgets.dialogs import ask_text
from gui.widgets.empty_state import EmptyState

REFRESHING = "refresh"  # the name of the list's refresh in the tab's tasks


class ModelsTab(ProfileTab):
    try_model = Signal(str)
    continue_training = Signal(str)
    retrain = Signal(str)  # a fine-tuned model to train again on another profile
    go_training = Signal()
    models_listed = Signal(object)  # list[str]: the fine-tuned models, for the step bar

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(service, "models", parent)
        self.all_models: list[ModelInfo] = []
        self.table, self.view = ModelsTableModel(), QTableView()
        self.search, self.mine_only = QLineEdit(), QCheckBox()
        self.try_button, self.continue_button = make_primary(QPushButton()), QPushButton()
        self.empty, self.training_button = EmptyState(self.view, "models"), QPushButton()
        self.delete_button, self.refresh_button = QPushButton(), QPushButton()
        self.deploy_button, self.undeploy_button = QPushButton(), QPushButton()
        self.retrain_button, self.export_button = QPushButton(), QPushButton()
        self.capabilities = Capabilities()
        self.view.setModel(self.table)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.mine_only)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.try_button, self.continue_button, self.retrain_button, self.export_button,
                       self.deploy_button, self.undeploy_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addLayout(top)
        self.empty.add_button(self.training_button)
        self.empty.follow(self.table, lambda: not self.table.models and not self.search.text().strip())
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self.mine_only.setChecked(True)
        self.search.textChanged.connect(lambda _: self._filter())
        self.mine_only.toggled.connect(lambda _: self._filter())
        self.refresh_button.clicked.connect(lambda: self.tasks.replace(REFRESHING, self.refresh()))
        self.try_button.clicked.connect(lambda: self._emit(self.try_model))
        self.continue_button.clicked.connect(lambda: self._emit(self.continue_training))
        self.retrain_button.clicked.connect(lambda: self._emit(self.retrain))
        self.delete_button.clicked.connect(lambda: self.tasks.run(self._delete()))
        self.export_button.clicked.connect(lambda: self.tasks.run(self._export()))
        self.deploy_button.clicked.connect(lambda: self.tasks.run(self._deploy()))
        self.undeploy_button.clicked.connect(lambda: self.tasks.run(self._undeploy()))
        self.view.doubleClicked.connect(lambda _: self._emit(self.try_model))
        self.training_button.clicked.connect(self.go_training)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search models"))
        self.mine_only.setText(self.tr("Only my fine-tuned models"))
        self.try_button.setText(self.tr("Try it"))
        self.continue_button.setText(self.tr("Continue training"))
        self.continue_button.setToolTip(self.tr("Train this model further with new data"))
        self.retrain_button.setText(self.tr("Retrain elsewhere…"))
        self.retrain_button.setToolTip(self.tr("Train this model again on another profile, with its own files"))
        self.delete_button.setText(self.tr("Delete…"))
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Write the model into a folder to run it anywhere (adapter, merged "
                                              "model or GGUF)"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.empty.set_message(self.tr("Models you train appear here, ready to try, deploy or export."))
        self.training_button.setText(self.tr("Go to Training"))
        self.deploy_button.setText(self.tr("Deploy…"))
        self.deploy_button.setToolTip(self.tr("Make the model callable (billed while the deployment exists)"))
        self.undeploy_button.setText(self.tr("Remove deployment…"))
        self.undeploy_button.setToolTip(self.tr("Stop paying for the deployment; the model itself is kept"))
        self.set_capabilities(self.capabilities)

    def set_capabilities(self, capabilities: Capabilities) -> None:
        """Offer only what the profile's provider can do, and say why the rest is disabled."""
        self.capabilities = capabilities
        self.delete_button.setEnabled(capabilities.supports_delete_model)
        self.delete_button.setToolTip("" if capabilities.supports_delete_model else self.tr(
            "This provider does not offer deleting models through its API; delete them in its own console."))
        for button in (self.deploy_button, self.undeploy_button):
            button.setVisible(capabilities.can_deploy)
        self.export_button.setVisible(bool(capabilities.export_formats))
        self.view.setColumnHidden(DEPLOYMENT_COLUMN, not capabilities.can_deploy)

    def load_profile(self) -> None:
        self.set_capabilities(capabilities_for(self.service.settings.active_profile))
        self.table.deadlines = shows_deadlines(self.service.settings.active_profile)
        self.view.setColumnHidden(SHUTDOWN_COLUMN, not self.table.deadlines)
        self.tasks.replace(REFRESHING, self.refresh())

    async def refresh(self) -> None:
        provider = await self.session()
        self.all_models = await provider.list_models()
        self.models_listed.emit([model.id for model in self.all_models if model.fine_tuned])
        if self.capabilities.can_deploy:
            self.table.deployments = {d.model: d for d in await provider.deployments() if d.status != "deleting"}
        self._filter()

    def _filter(self) -> None:
        needle = self.search.text().strip().casefold()
        self.table.show([m for m in self.all_models if (m.fine_tuned or not self.mine_only.isChecked())
                         and needle in m.id.casefold()])

    def _selected(self) -> list[str]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.table.models[row].id for row in rows]

    def _emit(self, signal: Signal) -> None:
        chosen = self._selected()
        if chosen:
            signal.emit(chosen[0])  # type: ignore[attr-defined]

    async def _deploy(self) -> None:
        for name in self._selected():
            if await deploy_with_confirmation(self, await self.session(), name) is None:
                return
            self.messages.show_info(self.tr("Deploying {model}… it can answer once the deployment is ready.").format(
                model=name))
        await self.refresh()

    async def _undeploy(self) -> None:
        found = [self.table.deployments[name] for name in self._selected() if name in self.table.deployments]
        if not found:
            return
        if not await undeploy_with_confirmation(self, await self.session(), found):
            return
        self.messages.show_info(self.tr("The deployment was removed; it is no longer billed."))
        await self.refresh()

    async def _export(self) -> None:
        own = {m.id for m in self.table.models if m.fine_tuned}
        chosen = [name for name in self._selected() if name in own]
        if chosen:
            ExportModelDialog(await self.session(), chosen[0], self.capabilities.export_formats, self).open()

    async def _delete(self) -> None:
        own = {m.id for m in self.table.models if m.fine_tuned}
        chosen = [name for name in self._selected() if name in own]
        if not chosen:
            return
        expected = chosen[0] if len(chosen) == 1 else str(len(chosen))
        typed = await ask_text(self, self.tr("Delete models"), self.tr(
            "Deleting cannot be undone and the models stop answering at once. Type {what} to delete {n} "
            "model(s):").format(what=expected, n=len(chosen)))
        if (typed or "").strip() != expected:
            return
        for name in chosen:
            await (await self.session()).delete_model(name)
        self.messages.show_info(self.tr("Deleted {n} model(s).").format(n=len(chosen)))
        await self.refresh()
