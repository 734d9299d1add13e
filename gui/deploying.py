"""The GUI's side of deployments (core/deployments.py runs the workflow): its questions as dialogs, and the
name of a deployment the user made in the provider's portal where the app cannot deploy itself."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from core import deployments
from core.deployments import Question, deployment_text
from core.i18n import tr
from core.providers.base import Deployment, Provider
from gui.widgets.dialogs import Button, ask, ask_text

__all__ = ["ask_deployment_name", "deploy_with_confirmation", "deployment_text", "undeploy_with_confirmation"]


def _asking(parent: QWidget) -> deployments.Confirm:
    async def confirm(question: Question) -> bool:
        answer = await ask(parent, question.title, question.text, Button.Yes | Button.Cancel, Button.Cancel,
                           question.details)
        return answer == Button.Yes

    return confirm


async def deploy_with_confirmation(parent: QWidget, provider: Provider, model: str) -> Deployment | None:
    """The new deployment, or None when the user said no."""
    return await deployments.deploy(provider, model, _asking(parent))


async def undeploy_with_confirmation(parent: QWidget, provider: Provider, found: Sequence[Deployment]) -> bool:
    """Remove ``found`` after asking; False when the user said no."""
    return await deployments.undeploy(provider, found[0].model if found else "", _asking(parent), found)


async def ask_deployment_name(parent: QWidget, provider: Provider, model: str) -> str | None:
    """The name of a deployment the user made in the provider's portal, or None."""
    typed = await ask_text(parent, tr("Deployment name"), provider.deployment_help() + "\n\n" + tr(
        "Name of the deployment of {model}:").format(model=model))
    return typed.strip() if typed and typed.strip() else None
