"""The command line's parser and entry point: every command's module adds its subcommands; main() runs the one
chosen and turns errors into messages and exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cli.chat import add_chat_command
from cli.connection import add_connection_commands
from cli.datasets import add_dataset_commands
from cli.files import add_file_commands
from cli.grow import add_grow_command
from cli.jobs import add_job_commands
from cli.local_server import add_local_server_command
from cli.migrate import add_migrate_command
from cli.models import add_model_commands
from cli.output import print_error, print_notices, silence_stdout
from cli.profiles import add_profile_commands
from cli.sandbox_server import BindSandbox, add_sandbox_command
from cli.training import add_training_commands
from cli.validate import add_validate_command
from cli.words import SecretSafeParser, hide_secrets, translate_argparse
from core.errors import CoreError, file_error
from core.i18n import set_language, tr
from core.profiles import ProfileService
from core.version import APP_NAME, __version__

BROKEN_PIPE_EXIT = 128 + 13  # what a shell reports for a program ended by SIGPIPE


def build_parser(bind_sandbox: BindSandbox | None = None) -> argparse.ArgumentParser:
    parser = SecretSafeParser(
        prog="finetune-studio-cli",
        description=tr("{app}: fine-tune OpenAI-compatible models. Without arguments "
                        "`python main.py` opens the app.").format(app=APP_NAME))
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--lang", choices=("en", "zh_CN", "system"), default=None,
                        help=tr("language of messages (default: the app's setting)"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_profile_commands(commands)
    add_connection_commands(commands)
    add_dataset_commands(commands)
    add_grow_command(commands)
    add_sandbox_command(commands, bind_sandbox)
    add_local_server_command(commands)
    add_training_commands(commands)
    add_migrate_command(commands)
    add_job_commands(commands)
    add_file_commands(commands)
    add_chat_command(commands)
    add_validate_command(commands)
    add_model_commands(commands)
    return parser


def _run(handler: Callable[[ProfileService, argparse.Namespace], int], service: ProfileService,
         args: argparse.Namespace) -> int:
    """The command's exit code; errors become a message on standard error."""
    try:
        code = int(handler(service, args))
        sys.stdout.flush()  # a reader that went away (`| head -1`) is noticed here, not at interpreter exit
        return code
    except BrokenPipeError as exc:
        if exc.filename is not None:  # a named file (a FIFO), not our output
            print_error(file_error(exc))
            return 2
        silence_stdout()
        return BROKEN_PIPE_EXIT
    except CoreError as error:
        print_error(error)
        return 2
    except OSError as exc:
        print_error(file_error(exc))
        return 2
    except KeyboardInterrupt:
        print(tr("Interrupted."), file=sys.stderr)
        return 130


def main(argv: Sequence[str], service_factory: Callable[[], ProfileService],
         bind_sandbox: BindSandbox | None = None) -> int:
    """Run the command ``argv`` names with the services main.py builds (``bind_sandbox`` serves `sandbox`)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", default=None)
    known, _ = early.parse_known_args(argv)
    hide_secrets(argv)
    service = service_factory()
    set_language(known.lang or service.settings.language)
    print_notices(service)
    translate_argparse()
    parser = build_parser(bind_sandbox)
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return _run(handler, service, args)
    finally:
        print_notices(service)  # keys are opened on first use: a damaged key file is found only then
