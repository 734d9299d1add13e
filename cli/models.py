"""`models list|delete|deploy|undeploy|export`: the Models tab on the command line; deployments through core's
deployment workflow, confirmed on the terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cli.connection import add_connection_options, in_session
from cli.output import print_json
from cli.parsing import add_actions, add_json_option, add_yes_option
from cli.prompts import confirm
from core import deployments
from core.deployments import Question, deployment_text
from core.i18n import tr
from core.providers.base import EXPORT_FORMATS, Deployment, Provider
from core.terminal import one_line


def _terminal_confirm(yes: bool) -> deployments.Confirm:
    async def ask(question: Question) -> bool:
        details = f"\n{question.details}" if question.details else ""
        return yes or await asyncio.to_thread(confirm, f"{question.text}{details}\n[y/N] ")

    return ask


async def _list(provider: Provider, args: argparse.Namespace) -> int:
    models = [m for m in await provider.list_models() if m.fine_tuned or not args.fine_tuned]
    deployed: dict[str, Deployment] = {}
    if provider.capabilities.can_deploy:
        deployed = {d.model: d for d in await provider.deployments() if d.status != "deleting"}
    if args.json:
        print_json([{**asdict(m), "fine_tuned": m.fine_tuned,
                     **({"deployment": asdict(deployed[m.id])} if m.id in deployed else {})} for m in models])
        return 0
    for model in models:
        where = f"  {one_line(deployment_text(deployed.get(model.id)))}" if deployed and model.fine_tuned else ""
        print(f"{one_line(model.id)}  {one_line(model.owned_by)}  {one_line(model.job_id)}{where}")
    return 0


async def _delete(provider: Provider, args: argparse.Namespace) -> int:
    question = tr("Delete {model}? This cannot be undone. [y/N] ").format(model=args.model)
    if not args.yes and not await asyncio.to_thread(confirm, question):
        print(tr("Nothing was deleted."))
        return 1
    await provider.delete_model(args.model)
    print(tr("Deleted {model}.").format(model=args.model))
    return 0


async def _export(provider: Provider, args: argparse.Namespace) -> int:
    print(tr("Exporting {model} as {kind}…").format(model=one_line(args.model), kind=args.format), file=sys.stderr,
          flush=True)
    files = await provider.export_model(args.model, args.format, args.output.resolve())
    print(tr("Written into {folder}:").format(folder=files[0].parent if files else args.output))
    for path in files:
        print(f"  {path}")
    if args.format == "gguf":
        print(tr("Import it into Ollama with: ollama create NAME -f Modelfile (in that folder)."))
    return 0


async def _deploy(provider: Provider, args: argparse.Namespace) -> int:
    made = await deployments.deploy(provider, args.model, _terminal_confirm(args.yes))
    if made is None:
        print(tr("Nothing was deployed."))
        return 1
    print(tr("Deploying {model} as {name}.").format(model=one_line(args.model), name=one_line(made.name)))
    if not args.wait:
        return 0
    last = made
    async for last in deployments.follow(provider, args.model, args.interval):
        print(one_line(deployment_text(last)), flush=True)
    return 0 if last.ready else 1


async def _undeploy(provider: Provider, args: argparse.Namespace) -> int:
    if not await deployments.undeploy(provider, args.model, _terminal_confirm(args.yes)):
        print(tr("Nothing was removed."))
        return 1
    print(tr("The deployment was removed; it is no longer billed."))
    return 0


def add_model_commands(commands: Any) -> None:
    actions = add_actions(commands, "models", tr("list, delete, deploy and undeploy models"))
    listing = actions.add_parser("list", help=tr("models of the profile, yours first"))
    listing.add_argument("--fine-tuned", action="store_true", help=tr("only your fine-tuned models"))
    add_json_option(listing)
    delete = actions.add_parser("delete", help=tr("delete one of your fine-tuned models"))
    add_yes_option(delete, tr("delete without asking"))
    deploy = actions.add_parser("deploy", help=tr("make a fine-tuned model callable (billed while deployed)"))
    add_yes_option(deploy, tr("deploy without asking"))
    deploy.add_argument("--wait", action="store_true", help=tr("wait until the deployment can answer"))
    deploy.add_argument("--interval", type=float, default=deployments.FOLLOW_SECONDS, help=argparse.SUPPRESS)
    undeploy = actions.add_parser("undeploy", help=tr("remove a model's deployment (the model is kept)"))
    add_yes_option(undeploy, tr("remove without asking"))
    export = actions.add_parser("export", help=tr("save a fine-tuned model's weights into a folder, to run it anywhere "
                                                  "(this computer's models; providers that hand them over)"))
    export.add_argument("--format", choices=EXPORT_FORMATS, default="adapter",
                        help=tr("adapter: the LoRA adapter; merged: a full model folder; gguf: for llama.cpp and "
                                "Ollama (default: adapter)"))
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FOLDER",
                        help=tr("the folder to write into (a new folder is made inside it)"))
    for command in (delete, deploy, undeploy, export):
        command.add_argument("model")
    for command, action in ((listing, _list), (delete, _delete), (deploy, _deploy), (undeploy, _undeploy),
                            (export, _export)):
        add_connection_options(command)
        command.set_defaults(handler=in_session(action))
