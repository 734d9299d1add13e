"""Making a fine-tuned model callable where the provider needs a deployment, the workflow both front-ends run.
A deployment is billed while it exists, so one is made or removed only after the front-end's ``confirm``
callback said yes; ``follow`` reports its state until it can answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

from core.errors import CoreError
from core.i18n import tr
from core.providers.base import Deployment, Provider, not_offered

FOLLOW_SECONDS = 5.0  # between looks at a deployment on its way up
SETTLED = frozenset({"ready", "failed", "stopped"})


@dataclass(frozen=True)
class Question:
    """What a front-end asks before something billed or lasting happens (a dialog, or a line with [y/N])."""

    title: str
    text: str
    details: str = ""


Confirm = Callable[[Question], Awaitable[bool]]


def deployment_text(deployment: Deployment | None) -> str:
    """A deployment's state in words, with its name."""
    if deployment is None:
        return tr("not deployed")
    words = {"ready": tr("ready"), "deploying": tr("deploying"), "failed": tr("failed"), "stopped": tr("stopped"),
             "deleting": tr("being removed")}
    return f"{words.get(deployment.status, deployment.raw_status or deployment.status)} · {deployment.name}"


def deploy_question(model: str) -> Question:
    return Question(tr("Deploy the model?"), tr(
        "Deploy {model} so that it can answer? The provider bills a deployment while it exists, even when "
        "nobody uses it.").format(model=model),
        tr("Remove the deployment in the Models tab when you no longer need it. Deploying takes a few minutes."))


def undeploy_question(deployments: Sequence[Deployment]) -> Question:
    return Question(tr("Remove the deployment?"), tr(
        "Remove the deployment of {model}? It stops answering; the fine-tuned model is kept and can be deployed "
        "again.").format(model=", ".join(d.model for d in deployments)))


async def deploy(provider: Provider, model: str, confirm: Confirm) -> Deployment | None:
    """The new deployment (on its way up: see ``follow``), or None when the user said no."""
    if not provider.capabilities.can_deploy:  # said before asking to pay for it
        raise not_offered(tr("deploying models through its API"))
    if not await confirm(deploy_question(model)):
        return None
    return await provider.deploy(model)


def no_deployment(model: str) -> CoreError:
    return CoreError(tr("{model} has no deployment.").format(model=model),
                     tr("Deploy it first; the Models tab shows which models are deployed."))


async def undeploy(provider: Provider, model: str, confirm: Confirm,
                   found: Sequence[Deployment] | None = None) -> bool:
    """Remove ``found`` (by default ``model``'s deployment) once the user said yes; False when they said no. The
    model itself is kept."""
    if found is None:
        found = [deployment] if (deployment := await provider.deployment(model)) is not None else []
    if not found:
        raise no_deployment(model)
    if not await confirm(undeploy_question(found)):
        return False
    for deployment in found:
        await provider.undeploy(deployment)
    return True


async def follow(provider: Provider, model: str, interval: float = FOLLOW_SECONDS) -> AsyncIterator[Deployment]:
    """``model``'s deployment each time its state changes, until it is ready, failed or stopped. Cancel to stop
    waiting (the deployment goes on)."""
    last = ""
    while True:
        found = await provider.deployment(model)
        if found is None:
            raise no_deployment(model)
        if found.status != last:
            last = found.status
            yield found
        if found.status in SETTLED:
            return
        await asyncio.sleep(interval)
