"""Try it's part in deployments: a fine-tuned model that must be deployed first is not sent a question;
the user is told why and offered the next step (deploy it here, or name the deployment made in the
provider's portal)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.i18n import tr
from core.providers.base import Provider
from gui.deploying import ask_deployment_name, deploy_with_confirmation

if TYPE_CHECKING:
    from gui.console_tab import ConsoleTab


class DeploymentSteps:
    def __init__(self, tab: ConsoleTab) -> None:
        self.tab = tab

    async def chat_name(self, provider: Provider, model: str) -> str | None:
        """The name to ask ``model`` under, or None after saying what to do first."""
        info = self.tab.known.get(model)
        capabilities = provider.capabilities
        if capabilities.requires_deployment and info is not None and info.fine_tuned:
            if not capabilities.can_deploy:
                self.tab.offer(tr("{model} answers only once it is deployed in the provider's portal.").format(
                    model=model), provider.deployment_help(), tr("Enter deployment name…"),
                    lambda: self.tab.tasks.run(self.use_deployment(model)))
                return None
            if await provider.deployment(model) is None:
                self.tab.offer(tr("{model} answers only once it is deployed.").format(model=model),
                               tr("A deployment is billed while it exists; remove it in the Models tab when you no "
                                  "longer need it."), tr("Deploy…"), lambda: self.tab.tasks.run(self.deploy(model)))
                return None
        return await provider.chat_model(model)

    async def deploy(self, model: str) -> None:
        if await deploy_with_confirmation(self.tab, await self.tab.session(), model) is not None:
            self.tab.messages.show_info(tr("Deploying {model}… ask again once the deployment is ready (the Models "
                                           "tab shows it).").format(model=model))

    async def use_deployment(self, model: str) -> None:
        """Chat with a deployment the user made in the provider's portal, compared with the model's base."""
        name = await ask_deployment_name(self.tab, await self.tab.session(), model)
        if name is None:
            return
        base = self.tab.known[model].base if model in self.tab.known else ""
        self.tab.set_model(name)
        if base:
            self.tab.other_combo.setCurrentText(base)
        self.tab.messages.hide()
