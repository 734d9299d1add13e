"""`jobs list|show|follow|cancel|pause|resume|checkpoints` and `export FOLDER`: the Training tab's job list,
detail and controls, and its export, over core's watch and export workflows."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cli.connection import add_connection_options, in_session, session
from cli.output import print_json
from cli.parsing import add_actions, add_json_option
from cli.training import follow
from core.clock import local_time
from core.i18n import tr
from core.profiles import ProfileService
from core.providers.base import Provider
from core.providers.records import Job
from core.terminal import one_line, plain
from core.training.export import export_all
from core.training.origins import described, origin_of


def _print_job(job: Job) -> None:
    print(f"{one_line(job.id)}: {one_line(job.status)}  {one_line(job.model)} → "
          f"{one_line(job.fine_tuned_model or '…')}")
    if job.error_message:
        print(tr("Error: {message}").format(message=one_line(job.error_message)))


async def _list(provider: Provider, args: argparse.Namespace) -> int:
    jobs, _ = await provider.list_jobs(limit=args.limit)
    if args.json:
        print_json([asdict(j) for j in jobs])
        return 0
    for job in jobs:
        print(f"{one_line(job.id)}  {one_line(job.status):<16} {local_time(job.created_at)}  "
              f"{one_line(job.model)}  {one_line(job.fine_tuned_model or '')}")
    return 0


async def _checkpoints(provider: Provider, args: argparse.Namespace) -> int:
    """The checkpoints a job kept, each usable like a fine-tuned model ([] where the provider has none)."""
    found = await provider.checkpoints(args.id)
    if args.json:
        print_json([asdict(c) for c in found])
        return 0
    if not found:
        print(tr("The job has no checkpoints."))
    for checkpoint in found:
        metrics = "  ".join(f"{one_line(name)}={value:g}" for name, value in sorted(checkpoint.metrics.items()))
        print(tr("step {step}").format(step=checkpoint.step) + f"  {one_line(checkpoint.model)}  {metrics}".rstrip())
    return 0


async def _one(provider: Provider, args: argparse.Namespace) -> int:
    job = await provider.get_job(args.id) if args.action == "show" else await provider.control(args.id, args.action)
    origin = origin_of(provider.profile.id, job) if provider.profile is not None else None
    if args.json:
        print_json(asdict(job) | ({"retrained_from": asdict(origin)} if origin else {}))
        return 0
    _print_job(job)
    if origin is not None:
        print(plain(described(origin)))
    return 0


async def _follow(provider: Provider, args: argparse.Namespace) -> int:
    return await follow(provider, args.id)


def cmd_export(service: ProfileService, args: argparse.Namespace) -> int:
    def progress(done: int, total: int, job_id: str) -> None:
        if job_id:
            print(tr("[{done}/{total}] {id}").format(done=done + 1, total=total, id=one_line(job_id)))

    async def run() -> Path:
        async with session(service, args) as provider:
            return await export_all(provider, args.folder, progress)

    print(tr("Saved everything; the index is {path}.").format(path=asyncio.run(run())))
    return 0


ACTIONS = {"follow": _follow, "checkpoints": _checkpoints}  # the others: show, cancel, pause, resume


def add_job_commands(commands: Any) -> None:
    actions = add_actions(commands, "jobs", tr("list, show, follow and control fine-tuning jobs"))
    listing = actions.add_parser("list", help=tr("jobs of the profile, newest first"))
    listing.add_argument("--limit", type=int, default=20)
    add_json_option(listing)
    add_connection_options(listing)
    listing.set_defaults(handler=in_session(_list))
    for action, text in (("show", tr("one job")), ("follow", tr("print a job's events until it ends")),
                         ("cancel", tr("cancel a job")), ("pause", tr("pause a running job")),
                         ("resume", tr("resume a paused job")),
                         ("checkpoints", tr("the checkpoints a job kept, each usable like a model"))):
        command = actions.add_parser(action, help=text)
        command.add_argument("id")
        add_json_option(command)
        add_connection_options(command)
        command.set_defaults(handler=in_session(ACTIONS.get(action, _one)))

    export = commands.add_parser("export", help=tr("save every job, its events, results and files into a folder"))
    export.add_argument("folder", type=Path)
    add_connection_options(export)
    export.set_defaults(handler=cmd_export)
