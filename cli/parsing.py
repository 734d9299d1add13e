"""Shapes every command's parser shares: a command with actions (`jobs list`), --json and --yes."""

from __future__ import annotations

import argparse
from typing import Any

from core.i18n import tr


def add_actions(commands: Any, name: str, what: str) -> Any:
    """A command whose first argument names an action (`files list`, `files delete`); returns where to add them."""
    command = commands.add_parser(name, help=what)
    return command.add_subparsers(dest="action", metavar="ACTION", required=True)


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=tr("print one JSON object instead of a summary"))


def add_yes_option(parser: argparse.ArgumentParser, what: str) -> None:
    """--yes: do ``what`` without asking (how scripts answer the confirmation)."""
    parser.add_argument("--yes", action="store_true", help=what)
