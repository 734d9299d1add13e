"""`migrate JOB_OR_MODEL --to PROFILE`: re-create a fine-tuning job on another profile (core/training/migrate.py):
the plan printed (base model and why, files, hyperparameters), the start workflow's estimate confirmed, the new
job followed to its end, then how to compare the old and the new model."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from cli.connection import add_connection_options, session
from cli.parsing import add_yes_option
from cli.prompts import confirm
from cli.training import _print_plan, follow
from core.i18n import tr
from core.profiles import ProfileService
from core.providers.base import Provider
from core.terminal import one_line, plain
from core.training.migrate import MigrationPlan, migrate, old_model, plan_migration
from core.training.service import connect
from core.training.start import StartPlan, Step


@contextlib.asynccontextmanager
async def _source(service: ProfileService, args: argparse.Namespace) -> AsyncIterator[Provider | None]:
    """The profile the job is on; none needed when the files come from an export folder."""
    if args.export_folder is not None and not (args.profile or args.base_url or args.api_key or args.sandbox):
        yield None
        return
    async with session(service, args) as provider:
        yield provider


def _print_migration(plan: MigrationPlan, target: str) -> None:
    job = plan.source
    print(tr("Retraining job {id} ({model}) on profile “{profile}”.").format(
        id=one_line(job.id), model=one_line(old_model(plan)), profile=plain(target)))
    print(tr("Base model: {model} ({why}).").format(model=one_line(plan.base_model), why=plan.base.reason))
    others = [m for m in plan.base.alternatives if m != plan.base_model]
    if others:
        print(tr("Other base models there (choose one with --model): {models}").format(
            models=", ".join(one_line(m) for m in others)))
    files = plan.training.name + (f", {plan.validation.name}" if plan.validation is not None else "")
    print(tr("Files: {files} (from {folder})").format(files=files, folder=plan.training.parent))
    hyper = plan.hyperparameters
    print(tr("Hyperparameters: epochs {epochs}, batch size {batch}, learning-rate multiplier {lr}{beta}").format(
        epochs=hyper.n_epochs or tr("auto"), batch=hyper.batch_size or tr("auto"),
        lr=hyper.learning_rate_multiplier or tr("auto"), beta=f", beta {hyper.beta}" if hyper.beta else ""))
    for what in plan.dropped:
        print(tr("Left out: {what}").format(what=what))


def cmd_migrate(service: ProfileService, args: argparse.Namespace) -> int:
    args.profile = args.from_profile or args.profile
    target_profile = service.find(args.to)
    # The old model answers through the profile it was trained on; one given by address has no name to show.
    source_name = service.find(args.profile).name if args.profile else ""

    async def ask_user(start: StartPlan) -> bool:
        _print_plan(start)
        return bool(args.yes) or await asyncio.to_thread(confirm, tr("Start training there? [y/N] "))

    def step(which: Step, message: str) -> None:
        print(one_line(message), file=sys.stderr)

    async def run() -> int:
        target = await connect(service, target_profile)
        try:
            async with _source(service, args) as source:
                plan = await plan_migration(source, args.job, target, args.export_folder, args.model or "",
                                            source_name)
            _print_migration(plan, target_profile.name)
            job = await migrate(plan, target, ask_user, step, target_profile=target_profile.id)
            if job is None:
                print(tr("Nothing was started."))
                return 1
            print(tr("Started job {id} on “{profile}”, linked to {old}.").format(
                id=one_line(job.id), profile=plain(target_profile.name), old=one_line(plan.source.id)))
            if args.no_follow:
                return 0
            code = await follow(target, job.id)
            if code == 0:
                new = (await target.get_job(job.id)).fine_tuned_model or ""
                print(tr("Old model: {old}\nNew model: {new}").format(old=one_line(old_model(plan)),
                                                                      new=one_line(new)))
                print(tr("Compare them on the same questions while the old one still answers: main.py validate "
                         "{new} VALIDATION_FILE --profile “{target}” --compare {old} --compare-profile “{source}” "
                         "-o compare.csv").format(new=one_line(new), old=one_line(old_model(plan)),
                                                  target=plain(target_profile.name),
                                                  source=plain(source_name or "SOURCE_PROFILE")))
            return code
        finally:
            await target.close()

    return asyncio.run(run())


def add_migrate_command(commands: Any) -> None:
    parser = commands.add_parser("migrate", help=tr("retrain a job or fine-tuned model on another profile"))
    parser.add_argument("job", metavar="JOB_OR_MODEL", help=tr("a job id or a fine-tuned model name"))
    parser.add_argument("--to", required=True, metavar="PROFILE", help=tr("the profile to train on (name or id)"))
    parser.add_argument("--from-profile", metavar="PROFILE", help=tr("the profile the job is on (same as --profile)"))
    parser.add_argument("--model", help=tr("the target's base model (default: the closest one it offers)"))
    parser.add_argument("--export-folder", type=Path, help=tr("take the job and its files from a folder "
                                                              "`export` wrote"))
    add_yes_option(parser, tr("start without asking"))
    parser.add_argument("--no-follow", action="store_true", help=tr("return once the job is created"))
    add_connection_options(parser)
    parser.set_defaults(handler=cmd_migrate)
