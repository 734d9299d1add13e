"""CLI commands for training: `train FILE ...` and `jobs list|show|follow|cancel|pause|resume`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from core.clock import local_time
from core.i18n import tr
from core.profiles import SANDBOX_KEY, ProfileService
from core.providers import provider_for
from core.providers.base import Provider
from core.settings import SANDBOX_ID, Profile, ProfileKind, env_profile, new_profile
from core.terminal import one_line
from core.training.jobs import watch
from core.training.records import Hyperparameters, Job, JobEvent
from core.training.start import StartPlan, StartRequest, Step, start_job
from core.urls import check_proxy_url

PROVIDER_KINDS = (ProfileKind.COMPATIBLE, ProfileKind.OPENAI, ProfileKind.AZURE, ProfileKind.ZHIPU,
                  ProfileKind.BAILIAN)


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", help=tr("profile name or id (default: the active one)"))
    parser.add_argument("--base-url", help=tr("API base URL instead of a profile"))
    parser.add_argument("--provider", choices=[k.value for k in PROVIDER_KINDS], default="compatible",
                        help=tr("which provider's API the base URL speaks (default: compatible, the OpenAI shape)"))
    parser.add_argument("--api-key", help=tr("API key (default: OPENAI_API_KEY)"))
    parser.add_argument("--proxy", help=tr("HTTP or SOCKS proxy URL"))
    parser.add_argument("--sandbox", action="store_true", help=tr("use the app's offline Sandbox (nothing is billed)"))


def confirm(question: str) -> bool:
    """Yes from the terminal; no when nobody can answer (input is not a terminal and --yes was not given)."""
    try:
        return input(question).strip().lower() in ("y", "yes", "是")
    except EOFError:
        return False


async def endpoint(service: ProfileService, args: argparse.Namespace) -> tuple[Profile, str, str]:
    """(profile, key, base URL) the connection options name, the Sandbox aside."""
    found = env_profile()  # OPENAI_API_KEY / OPENAI_BASE_URL, if set
    if args.base_url or args.api_key:
        key = args.api_key or (found[1] if found else "")
        raw = args.base_url or (found[0].base_url if found else "")
        # The same rules as a saved profile of that kind (e.g. /v1 added for OpenAI, not for gateways).
        fresh = new_profile(ProfileKind(args.provider), "")
        profile = service.validated(replace(fresh, name=f"--base-url {fresh.id}", base_url=raw,
                                            proxy=args.proxy or ""))
        return profile, key, profile.base_url
    if found is not None and not args.profile:
        profile, key = found
        return profile, key, profile.base_url
    profile = service.find(args.profile) if args.profile else service.settings.active_profile
    base_url, key = await service.endpoint(profile)
    return profile, key, base_url


def with_proxy(profile: Profile, args: argparse.Namespace) -> Profile:
    """``profile`` through the --proxy given with it (an ad-hoc --base-url profile has it already)."""
    if args.proxy and not args.base_url and not args.api_key:
        return replace(profile, proxy=check_proxy_url(args.proxy))
    return profile


@contextlib.asynccontextmanager
async def session(service: ProfileService, args: argparse.Namespace) -> AsyncIterator[Provider]:
    """A training session for the connection the options name."""
    with contextlib.ExitStack() as stack:
        if args.sandbox:
            from sandbox.launcher import SandboxLauncher, app_state_dir

            # The app's Sandbox: its running server while it is open (jobs take its minute), else one of our
            # own on the same folder whose jobs take seconds, since a terminal waits for them.
            launcher = SandboxLauncher(app_state_dir(), job_seconds=5.0)
            stack.callback(launcher.stop)
            profile, key, base_url = service.settings.profile(SANDBOX_ID), SANDBOX_KEY, await launcher.base_url()
        else:
            profile, key, base_url = await endpoint(service, args)
        training = provider_for(with_proxy(profile, args), key, base_url)
        try:
            yield training
        finally:
            await training.close()


def _clock(seconds: int) -> str:
    return local_time(seconds)


def _event_line(event: JobEvent) -> str:
    """An event as one plain line; one the server gave no time (0) shows none rather than 1970."""
    message = one_line(event.message)
    return f"[{_clock(event.created_at)}] {message}" if event.created_at > 0 else message


async def follow(training: Provider, job_id: str) -> int:
    """Print events as they come, like the old `fine_tunes.follow`; 0 when the job succeeded."""
    final: Job | None = None
    async for update in watch(training, job_id):
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
    print(tr("{n} examples, {tokens} tokens; training {model} for {epochs} epochs bills about {billed} tokens, "
             "{price} (prices as of {date}; an estimate).").format(
        n=report.examples, tokens=report.tokens.total, model=cost.model, epochs=cost.epochs,
        billed=cost.billed_tokens, price=price, date=cost.prices_as_of))
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
        async with session(service, args) as training:
            job = await start_job(training, _start_request(args), ask_user, step)
            if job is None:
                print(tr("Nothing was started."))
                return 1
            print(tr("Started job {id}.").format(id=one_line(job.id)))
            return 0 if args.no_follow else await follow(training, job.id)

    return asyncio.run(run())


def _label(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(tr("write a label as key=value"))
    return key.strip(), value


def cmd_jobs(service: ProfileService, args: argparse.Namespace) -> int:
    async def run() -> int:
        async with session(service, args) as training:
            if args.action == "list":
                jobs, _ = await training.list_jobs(limit=args.limit)
                if args.json:
                    print(json.dumps([asdict(j) for j in jobs], ensure_ascii=False, indent=1))
                for job in [] if args.json else jobs:
                    print(f"{one_line(job.id)}  {one_line(job.status):<16} {_clock(job.created_at)}  "
                          f"{one_line(job.model)}  {one_line(job.fine_tuned_model or '')}")
                return 0
            if args.action == "follow":
                return await follow(training, args.id)
            job = (await training.get_job(args.id) if args.action == "show"
                   else await training.control(args.id, args.action))
            if args.json:
                print(json.dumps(asdict(job), ensure_ascii=False, indent=1))
            else:
                print(f"{one_line(job.id)}: {one_line(job.status)}  {one_line(job.model)} → "
                      f"{one_line(job.fine_tuned_model or '…')}")
                if job.error_message:
                    print(tr("Error: {message}").format(message=one_line(job.error_message)))
            return 0

    return asyncio.run(run())


def cmd_export(service: ProfileService, args: argparse.Namespace) -> int:
    from core.training.export import export_all

    def progress(done: int, total: int, job_id: str) -> None:
        if job_id:
            print(tr("[{done}/{total}] {id}").format(done=done + 1, total=total, id=one_line(job_id)))

    async def run() -> Path:
        async with session(service, args) as training:
            return await export_all(training, args.folder, progress)

    print(tr("Saved everything; the index is {path}.").format(path=asyncio.run(run())))
    return 0


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
    train.add_argument("--yes", action="store_true", help=tr("start without asking"))
    train.add_argument("--no-follow", action="store_true", help=tr("return once the job is created"))
    add_connection_options(train)
    train.set_defaults(handler=cmd_train)

    jobs = commands.add_parser("jobs", help=tr("list, show, follow and control fine-tuning jobs"))
    actions = jobs.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=tr("jobs of the profile, newest first"))
    listing.add_argument("--limit", type=int, default=20)
    listing.add_argument("--json", action="store_true", help=tr("print one JSON object instead of a summary"))
    add_connection_options(listing)
    listing.set_defaults(handler=cmd_jobs)
    for action, text in (("show", tr("one job")), ("follow", tr("print a job's events until it ends")),
                         ("cancel", tr("cancel a job")), ("pause", tr("pause a running job")),
                         ("resume", tr("resume a paused job"))):
        command = actions.add_parser(action, help=text)
        command.add_argument("id")
        command.add_argument("--json", action="store_true", help=tr("print one JSON object instead of a summary"))
        add_connection_options(command)
        command.set_defaults(handler=cmd_jobs)

    export = commands.add_parser("export", help=tr("save every job, its events, results and files into a folder"))
    export.add_argument("folder", type=Path)
    add_connection_options(export)
    export.set_defaults(handler=cmd_export)
