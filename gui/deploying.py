"""Making a fine-tuned model callable where the provider needs a deployment: the app deploys it after an
explicit confirmation (it is billed while it exists), or explains how to do it in the provider's portal."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.i18n import tr
from core.providers.base import Deployment, Provider
from gui.widgets.dialogs import Button, ask, ask_text


def deployment_text(deployment: Deployment | None) -> str:
    if deployment is None:
        return tr("not deployed")
    words = {"ready": tr("ready"), "deploying": tr("deploying"), "failed": tr("failed"), "stopped": tr("stopped"),
             "deleting": tr("being removed")}
    return f"{words.get(deployment.status, deployment.raw_status or deployment.status)} · {deployment.name}"


async def deploy_with_confirmation(parent: QWidget, provider: Provider, model: str) -> Deployment | None:
    """The new deployment, or None when the user said no."""
    answer = await ask(parent, tr("Deploy the model?"), tr(
        "Deploy {model} so that it can answer? The provider bills a deployment while it exists, even when "
        "nobody uses it.").format(model=model), Button.Yes | Button.Cancel, Button.Cancel,
        tr("Remove the deployment in the Models tab when you no longer need it. Deploying takes a few minutes."))
    if answer != Button.Yes:
        return None
    return await provider.deploy(model)


async def ask_deployment_name(parent: QWidget, provider: Provider, model: str) -> str | None:
    """The name of a deployment the user made in the provider's portal, or None."""
    typed = await ask_text(parent, tr("Deployment name"), provider.deployment_help() + "\n\n" + tr(
        "Name of the deployment of {model}:").format(model=model))
    return typed.strip() if typed and typed.strip() else None
