"""Try it's part in deployments: a fine-tuned model that must be deployed first is not sent a question;
the user is told why and offered the next step (deploy it here, or name the deployment made in the
provider's portal)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from core.i18n import tr
from core.models import ModelInfo
from core.providers.base import Provider
from gui.deploying import ask_deployment_name, deploy_with_confirmation
from gui.session import Session
from gui.tasks import Tasks


class DeploymentSteps(QObject):
    step_offered = Signal(str, str, str, object)  # message, hint, the button's text, what it does (a callable)
    deploying = Signal(str)  # what to tell the user once a deployment was asked for
    deployment_chosen = Signal(str, str)  # a deployment's name, the base model to compare it with

    def __init__(self, session: Session, tasks: Tasks, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.tasks, self.dialog_parent = session, tasks, parent

    async def chat_name(self, provider: Provider, model: str, info: ModelInfo | None) -> str | None:
        """The name to ask ``model`` (listed as ``info``) under, or None after saying what to do first."""
        capabilities = provider.capabilities
        if capabilities.requires_deployment and info is not None and info.fine_tuned:
            if not capabilities.can_deploy:
                self.step_offered.emit(tr("{model} answers only once it is deployed in the provider's portal.").format(
                    model=model), provider.deployment_help(), tr("Enter deployment name…"),
                    lambda: self.tasks.run(self.use_deployment(model, info.base)))
                return None
            if await provider.deployment(model) is None:
                self.step_offered.emit(
                    tr("{model} answers only once it is deployed.").format(model=model),
                    tr("A deployment is billed while it exists; remove it in the Models tab when you no longer need "
                       "it."), tr("Deploy…"), lambda: self.tasks.run(self.deploy(model)))
                return None
        return await provider.chat_model(model)

    async def deploy(self, model: str) -> None:
        if await deploy_with_confirmation(self.dialog_parent, await self.session.get(), model) is not None:
            self.deploying.emit(tr("Deploying {model}… ask again once the deployment is ready (the Models tab shows "
                                   "it).").format(model=model))

    async def use_deployment(self, model: str, base: str) -> None:
        """Chat with a deployment the user made in the provider's portal, compared with ``base``."""
        name = await ask_deployment_name(self.dialog_parent, await self.session.get(), model)
        if name is not None:
            self.deployment_chosen.emit(name, base)
