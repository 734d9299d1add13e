"""`train FILE …`: core's start workflow (check → convert → estimate → confirm → upload → create once), with
the plan printed and confirmed on the terminal, then the job followed to its end."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from cli.connection import add_connection_options, session
from cli.parsing import add_yes_option
from cli.prompts import confirm
from core.clock import duration_text, local_time
from core.i18n import tr
from core.profiles import ProfileService
from core.providers.base import Provider
from core.providers.records import Hyperparameters, Job, JobEvent
from core.terminal import one_line
from core.training.jobs import watch
from core.training.start import StartPlan, StartRequest, Step, start_job


def _event_line(event: JobEvent) -> str:
    """An event as one plain line; one the server gave no time (0) shows none rather than 1970."""
    message = one_line(event.message)
    return f"[{local_time(event.created_at)}] {message}" if event.created_at > 0 else message


async def follow(provider: Provider, job_id: str) -> int:
    """Print events as they come, like the old `fine_tunes.follow`; 0 when the job succeeded."""
    final: Job | None = None
    async for update in watch(provider, job_id):
        if update.reconnecting:
            print(tr("reconnecting… ({reason})").format(reason=one_line(update.message)), file=sys.stderr)
            continue
        for event in update.events:
            print(_event_line(event), flush=True)  # shown as it happens, also through a pipe
        final = update.job
    assert final is not None
    if final.status == "succeeded":
        print(tr("Done. Your model: {model}").format(model=one_line(final.fine_tuned_model)))
        return 0
    print(tr("The job ended as {status}: {why}").format(status=one_line(final.status),
                                                        why=one_line(final.error_message or "-")))
    return 1


def _print_plan(plan: StartPlan) -> None:
    report, cost = plan.training.report, plan.cost
    price = f"${cost.usd:,.2f}" if cost.usd is not None else tr("unknown (no price for this model)")
    for prepared in (plan.training, plan.validation):
        if prepared is not None and prepared.converted:
            print(tr("{name} is uploaded as {upload} ({what}).").format(
                name=prepared.source.name, upload=prepared.upload, what=prepared.converted))
    for problem in report.warnings[:5]:
        print(f"  {tr('line {n}').format(n=problem.line) if problem.line else tr('file')}: {one_line(problem.message)}")
    if plan.billed:
        print(tr("{n} examples, {tokens} tokens; training {model} for {epochs} epochs bills about {billed} tokens, "
                 "{price} (prices as of {date}; an estimate).").format(
            n=report.examples, tokens=report.tokens.total, model=cost.model, epochs=cost.epochs,
            billed=cost.billed_tokens, price=price, date=cost.prices_as_of))
    else:
        print(tr("{n} examples, {tokens} tokens; training {model} for {epochs} epochs on this computer takes "
                 "{time} (an estimate). Nothing is billed.").format(
            n=report.examples, tokens=report.tokens.total, model=cost.model, epochs=cost.epochs,
            time=duration_text(plan.seconds) if plan.seconds is not None else tr("an unknown time")))
    print(tr("The new model will be called {name}.").format(name=one_line(plan.model_name)))


def _start_request(args: argparse.Namespace) -> StartRequest:
    hyper = Hyperparameters(args.epochs, args.batch_size, args.lr_multiplier, args.beta)
    return StartRequest(args.file, args.model, args.validation, args.suffix or "", args.method, hyper, args.seed,
                        dict(args.label or []))


def cmd_train(service: ProfileService, args: argparse.Namespace) -> int:
    async def ask_user(plan: StartPlan) -> bool:
        _print_plan(plan)
        return bool(args.yes) or await asyncio.to_thread(confirm, tr("Start training? [y/N] "))

    def step(which: Step, message: str) -> None:
        print(one_line(message), file=sys.stderr)

    async def run() -> int:
        async with session(service, args) as provider:
            job = await start_job(provider, _start_request(args), ask_user, step)
            if job is None:
                print(tr("Nothing was started."))
                return 1
            print(tr("Started job {id}.").format(id=one_line(job.id)))
            return 0 if args.no_follow else await follow(provider, job.id)

    return asyncio.run(run())


def _label(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(tr("write a label as key=value"))
    return key.strip(), value


def add_training_commands(commands: Any) -> None:
    train = commands.add_parser("train", help=tr("check, upload and fine-tune a training file"))
    train.add_argument("file", type=Path)
    train.add_argument("--model", required=True, help=tr("base model, or one of your ft: models to continue"))
    train.add_argument("--suffix", help=tr("added to the fine-tuned model's name"))
    train.add_argument("--validation", type=Path, help=tr("validation file"))
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--lr-multiplier", type=float)
    train.add_argument("--method", choices=("supervised", "dpo"), default="supervised")
    train.add_argument("--beta", type=float, help=tr("DPO beta"))
    train.add_argument("--seed", type=int)
    train.add_argument("--label", type=_label, action="append", metavar="KEY=VALUE",
                       help=tr("a label kept with the job (repeatable)"))
    add_yes_option(train, tr("start without asking"))
    train.add_argument("--no-follow", action="store_true", help=tr("return once the job is created"))
    add_connection_options(train)
    train.set_defaults(handler=cmd_train)
