"""Command-line front-end over the same core services as the GUI."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from core.cli_models import add_model_commands
from core.cli_training import add_connection_options, add_training_commands, endpoint, with_proxy
from core.cli_words import SecretSafeParser, hide_secrets, translate_argparse
from core.connection import layer_name, run_checks
from core.errors import CoreError, file_error
from core.i18n import set_language, tr
from core.logs import log_file
from core.profiles import ProfileService
from core.settings import SANDBOX_ID, Profile
from core.terminal import one_line, plain
from core.version import APP_NAME, __version__

log = logging.getLogger(__name__)
BROKEN_PIPE_EXIT = 128 + 13  # what a shell reports for a program ended by SIGPIPE
MAX_LOGGED_DETAIL = 8000  # one error never floods the log


def _print_error(error: CoreError) -> None:
    """The message and hint on the terminal (server text in them made plain); the detail into the log."""
    print(tr("Error: {message}").format(message=plain(error.user_message)), file=sys.stderr)
    if error.hint:
        print(tr("What to do: {hint}").format(hint=plain(error.hint)), file=sys.stderr)
    where = log_file()
    if error.detail and where is not None:
        log.error("%s %s\n%s", error.user_message, error.hint, error.detail[:MAX_LOGGED_DETAIL])
        print(tr("Details: {path}").format(path=where), file=sys.stderr)


def _silence_stdout() -> None:
    """The reader of our output is gone: the rest goes nowhere, quietly, like a tool ended by SIGPIPE."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _print_notices(service: ProfileService) -> None:
    """Tell once what went wrong loading settings or keys (a damaged file set aside...)."""
    for notice in service.take_notices():
        print(tr("Warning: {message}").format(message=notice.message), file=sys.stderr)
        if notice.hint:
            print("  " + notice.hint, file=sys.stderr)


def cmd_profiles_list(service: ProfileService, args: argparse.Namespace) -> int:
    active = service.settings.active_profile_id
    for profile in service.settings.profiles:
        marker = "*" if profile.id == active else " "
        name, url = profile.name, profile.base_url
        if profile.is_sandbox:
            name, url = tr("Sandbox"), tr("(offline, built in)")
        print(f"{marker} {name:<20} {profile.kind.value:<11} {url}")
    return 0


async def _tested_endpoint(service: ProfileService, args: argparse.Namespace) -> tuple[Profile, str, str]:
    """What `connection test` checks: the same connection options as every API command."""
    if args.sandbox:
        profile = service.settings.profile(SANDBOX_ID)
        base_url, key = await service.endpoint(profile)
        return profile, key, base_url
    profile, key, base_url = await endpoint(service, args)
    return with_proxy(profile, args), key, base_url


def cmd_connection_test(service: ProfileService, args: argparse.Namespace) -> int:
    async def run() -> bool:
        profile, key, base_url = await _tested_endpoint(service, args)
        if args.base_url or args.api_key:  # no saved profile: its made-up name would mean nothing
            print(tr("Testing {url}").format(url=base_url))
        else:
            print(tr("Testing profile “{name}” ({url})").format(name=profile.name, url=base_url))
        ok = True
        async for result in run_checks(profile, key, base_url):
            mark = "OK " if result.ok else "ERR"
            print(f"  [{mark}] {layer_name(result.layer)}: {plain(result.message)}")
            if result.hint:
                print("        " + tr("What to do: {hint}").format(hint=plain(result.hint)))
            ok = ok and result.ok
        return ok

    ok = asyncio.run(run())
    print(tr("Connection works.") if ok else tr("Connection failed."))
    return 0 if ok else 1


def cmd_sandbox(service: ProfileService, args: argparse.Namespace) -> int:
    from sandbox.server import SandboxServer

    try:
        server = SandboxServer(args.host, args.port, args.state_dir, args.job_seconds, dialect=args.dialect)
    except OSError as exc:
        raise CoreError(tr("The Sandbox could not listen on {host}:{port}.").format(host=args.host, port=args.port),
                        tr("Choose another port, or 0 for any free port."), repr(exc)) from exc
    print(f"Sandbox listening on {server.base_url}", flush=True)
    if not server.loopback_only:
        print(tr("Warning: the Sandbox listens on {host}, so other computers on your network can reach it: it "
                 "accepts any key and holds the files you send it. Use --host 127.0.0.1 unless you mean it.").format(
                     host=args.host), file=sys.stderr, flush=True)
    damaged = server.app.state.sandbox.state.set_aside
    if damaged is not None:
        print(tr("Warning: the Sandbox's saved state was damaged; it was kept as {path} and the Sandbox starts "
                 "empty.").format(path=damaged), file=sys.stderr, flush=True)
    print(tr("No real model is trained and nothing is billed. Press Ctrl+C to stop."), flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn shuts down cleanly, then re-raises the signal
        server.serve_forever()
    print(tr("Sandbox stopped."), flush=True)
    return 0


def cmd_check(service: ProfileService, args: argparse.Namespace) -> int:
    from core.dataset.model import Format
    from core.dataset.parallel import check_file

    expected = Format(args.format) if args.format != "auto" else Format.UNKNOWN
    # unreadable: CoreError, main() exits 2
    report, info = check_file(args.file, args.model, expected, method=args.method or "")
    if args.json:
        print(json.dumps(report_json(str(args.file), info.encoding, report), ensure_ascii=False))
    else:
        print_report(args.file.name, info.encoding, info.line_ending, report, mapping=info.mapping)
    return 0 if report.usable else 1


def report_json(name: str, encoding: str, report: Any) -> dict[str, Any]:
    def problems(items: list[Any]) -> list[dict[str, Any]]:
        return [{"line": p.line, "code": p.code, "message": p.message} for p in items]

    from core.dataset.sources import describe

    tokens, estimate = report.tokens, report.estimate
    return {"file": name, "format": report.format.value, "source_format": report.source_format,
            "converted": describe(report.origins, report.notes, report.format.value),
            "encoding": encoding, "examples": report.examples,
            "errors": problems(report.errors), "warnings": problems(report.warnings),
            "tokens": {"total": tokens.total, "min": tokens.min, "median": tokens.median, "p95": tokens.p95,
                       "max": tokens.max},
            "estimate": {"model": estimate.model, "epochs": estimate.epochs, "billed_tokens": estimate.billed_tokens,
                         "usd": estimate.usd, "prices_as_of": estimate.prices_as_of}}


def print_report(name: str, encoding: str, line_ending: str, report: Any, shown: int = 20,
                 mapping: tuple[str, ...] = ()) -> None:
    tokens, estimate = report.tokens, report.estimate
    print(tr("{file}: {n} examples, {format} format, {encoding}, {endings} line endings").format(
        file=name, n=report.examples, format=report.format.value, encoding=encoding, endings=line_ending))
    from core.dataset.sources import describe

    if mapping:
        print(tr("Columns: {mapping}").format(mapping="; ".join(mapping)))
    converted = describe(report.origins, report.notes, report.format.value)
    if converted:
        print(tr("Recognised: {what}").format(what=converted))
    print(tr("Tokens: {total} in all; per example min {min}, median {median}, 95% under {p95}, max {max}").format(
        total=tokens.total, min=tokens.min, median=tokens.median, p95=tokens.p95, max=tokens.max))
    cost = f"${estimate.usd:.2f}" if estimate.usd is not None else tr("unknown (no price for this model)")
    print(tr("Estimate for {model}: {epochs} epochs, {billed} billed tokens, about {cost} "
             "(prices as of {date}; an estimate)").format(model=estimate.model, epochs=estimate.epochs,
                                                           billed=estimate.billed_tokens, cost=cost,
                                                           date=estimate.prices_as_of))
    for title, items in ((tr("Errors"), report.errors), (tr("Warnings"), report.warnings)):
        if items:
            print(f"{title} ({len(items)}):")
            for problem in items[:shown]:
                where = tr("line {n}").format(n=problem.line) if problem.line else tr("file")
                print(f"  {where}: [{problem.code}] {one_line(problem.message)}")
            if len(items) > shown:
                print("  " + tr("… and {n} more").format(n=len(items) - shown))
    print(tr("Ready to train.") if report.usable else tr("Fix the errors before training."))


def cmd_fix(service: ProfileService, args: argparse.Namespace) -> int:
    from core.dataset import fixes
    from core.dataset.io import read_rows, save_jsonl

    rows, _ = read_rows(args.file)
    _refuse_unconverted(args.file, rows)
    # What was done is printed after the files are written: a reader that goes away early (`| head -1`)
    # must not cost the user the output.
    done = [tr("converted {n} examples to OpenAI's format").format(n=sum(1 for row in rows if row.origin))] \
        if any(row.origin for row in rows) else []
    for description, step in _fix_steps(args):
        result = step(rows)
        rows = result.rows
        done.append(description.format(n=result.changed))
    outputs = [(args.output, rows)]
    if args.split:
        train, valid = fixes.split(rows, args.split, args.seed)
        outputs = [(args.output, train), (args.output.with_name(args.output.stem + "_validation.jsonl"), valid)]
    _refuse_overwriting_input(args.file, [path for path, _ in outputs])
    for path, part in outputs:
        save_jsonl(path, part)
    for line in done:
        print("- " + line)
    for path, part in outputs:
        print(tr("wrote {n} examples to {path}").format(n=len(part), path=path))
    return 0


def _fix_steps(args: argparse.Namespace) -> list[tuple[str, Callable[[list[Any]], Any]]]:
    from core.dataset import fixes

    steps: list[tuple[str, Callable[[list[Any]], Any]]] = []
    if args.trim:
        steps.append((tr("trimmed whitespace in {n} examples"), fixes.trim_whitespace))
    if args.drop_empty:
        steps.append((tr("dropped {n} empty examples"), fixes.drop_empty))
    if args.to_chat:
        steps.append((tr("converted {n} completion examples to chat"), fixes.completion_to_chat))
    if args.system:
        steps.append((tr("added the system message to {n} examples"),
                      lambda r: fixes.add_system_message(r, args.system)))
    if args.dedupe:
        steps.append((tr("dropped {n} duplicate examples"), fixes.drop_duplicates))
    return steps


def _refuse_overwriting_input(source: Path, outputs: list[Path]) -> None:
    """`fix X_validation.jsonl -o X.jsonl --split` would write its second file over the file it reads."""
    for output in outputs[1:]:
        if output.resolve() == source.resolve():
            raise CoreError(tr("{name} would be overwritten by the validation part of the split.").format(
                                name=source.name), tr("Choose another name with -o."))


def _refuse_unconverted(path: Path, rows: list[Any]) -> None:
    """A file whose rows are in no format we know is an error, never a silent copy."""
    from core.dataset.model import Format

    unknown = [row.line for row in rows if row.data is not None and row.format is Format.UNKNOWN]
    if unknown:
        lines = ", ".join(str(n) for n in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise CoreError(tr("{name}: {n} rows are in no format we can convert (lines {lines}).").format(
                            name=path.name, n=len(unknown), lines=lines),
                        tr("We read OpenAI chat, prompt/completion and DPO rows, Alpaca, ShareGPT, Firefly, "
                           "question/answer records and spreadsheets with such columns. Fix or remove those "
                           "rows; `check` shows what is wrong with each."))


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(tr("must be between 0 and 1, e.g. 0.1"))
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = SecretSafeParser(
        prog="finetune-studio-cli",
        description=tr("{app}: fine-tune OpenAI-compatible models. Without arguments "
                        "`python main.py` opens the app.").format(app=APP_NAME))
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--lang", choices=("en", "zh_CN", "system"), default=None,
                        help=tr("language of messages (default: the app's setting)"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    profiles = commands.add_parser("profiles", help=tr("list connection profiles"))
    profiles_commands = profiles.add_subparsers(dest="action", metavar="ACTION", required=True)
    profiles_commands.add_parser("list", help=tr("show every profile; * marks the active one")
                                 ).set_defaults(handler=cmd_profiles_list)

    connection = commands.add_parser("connection", help=tr("check a connection profile"))
    connection_commands = connection.add_subparsers(dest="action", metavar="ACTION", required=True)
    test = connection_commands.add_parser("test", help=tr("check each network layer and the API key"))
    add_connection_options(test)
    test.set_defaults(handler=cmd_connection_test)

    check = commands.add_parser("check", help=tr("check a training file, count tokens and estimate the cost"))
    check.add_argument("file", type=Path)
    check.add_argument("--model", default="gpt-4o-mini-2024-07-18", help=tr("base model (default: gpt-4o-mini)"))
    check.add_argument("--format", choices=("auto", "chat", "completion", "dpo"), default="auto")
    check.add_argument("--method", choices=("supervised", "dpo"),
                       help=tr("check the file for this training method as well"))
    check.add_argument("--json", action="store_true", help=tr("print one JSON object instead of a summary"))
    check.set_defaults(handler=cmd_check)

    fix = commands.add_parser("fix", help=tr("fix a training file and write the result as JSONL"))
    fix.add_argument("file", type=Path)
    fix.add_argument("-o", "--output", type=Path, required=True, help=tr("where to write the fixed file"))
    fix.add_argument("--to-chat", action="store_true",
                     help=tr("convert prompt/completion examples to chat (Alpaca, ShareGPT, Firefly, question/answer "
                             "and spreadsheet rows are always written in OpenAI's format)"))
    fix.add_argument("--system", help=tr("system message to add where there is none"))
    fix.add_argument("--dedupe", action="store_true", help=tr("drop exact duplicates"))
    fix.add_argument("--trim", action="store_true", help=tr("trim spaces and line breaks around texts"))
    fix.add_argument("--drop-empty", action="store_true", help=tr("drop examples without any text"))
    fix.add_argument("--split", type=_fraction, help=tr("hold back this fraction as a validation file"))
    fix.add_argument("--seed", type=int, default=0, help=tr("seed for --split (default: 0)"))
    fix.set_defaults(handler=cmd_fix)

    sandbox = commands.add_parser("sandbox", help=tr("run the offline practice server (nothing is billed)"))
    sandbox.add_argument("--host", default="127.0.0.1", help=tr("address to listen on (default: 127.0.0.1)"))
    sandbox.add_argument("--port", type=int, default=0, help=tr("port (default: 0, any free port)"))
    sandbox.add_argument("--state-dir", type=Path, default=None,
                         help=tr("keep files, jobs and models in this folder across restarts"))
    sandbox.add_argument("--job-seconds", type=float, default=60.0,
                         help=tr("how long a simulated fine-tuning job takes (default: 60)"))
    sandbox.add_argument("--dialect", choices=("openai", "azure", "zhipu", "bailian"), default="openai",
                         help=tr("which provider's API shape to serve (default: openai)"))
    sandbox.set_defaults(handler=cmd_sandbox)
    add_training_commands(commands)
    add_model_commands(commands)
    return parser


def main(argv: Sequence[str], service_factory: Callable[[], ProfileService]) -> int:
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", default=None)
    known, _ = early.parse_known_args(argv)
    hide_secrets(argv)
    service = service_factory()
    set_language(known.lang or service.settings.language)
    _print_notices(service)
    translate_argparse()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        code = int(handler(service, args))
        sys.stdout.flush()  # a reader that went away (`| head -1`) is noticed here, not at interpreter exit
        return code
    except BrokenPipeError as exc:
        if exc.filename is not None:  # a named file (a FIFO), not our output
            _print_error(file_error(exc))
            return 2
        _silence_stdout()
        return BROKEN_PIPE_EXIT
    except CoreError as error:
        _print_error(error)
        return 2
    except OSError as exc:
        _print_error(file_error(exc))
        return 2
    except KeyboardInterrupt:
        print(tr("Interrupted."), file=sys.stderr)
        return 130
    finally:
        _print_notices(service)  # keys are opened on first use: a damaged key file is found only then
