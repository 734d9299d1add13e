"""`files list|download|delete`: the training files a provider account holds."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cli.connection import add_connection_options, in_session
from cli.output import print_json
from cli.parsing import add_actions, add_json_option, add_yes_option
from cli.prompts import confirm
from core.clock import local_time
from core.downloads import download_file
from core.i18n import tr
from core.providers.base import Provider
from core.terminal import one_line


async def _list(provider: Provider, args: argparse.Namespace) -> int:
    files = await provider.list_files()
    if args.json:
        print_json([asdict(f) for f in files])
        return 0
    for found in files:
        print(f"{one_line(found.id)}  {found.bytes:>12,}  {local_time(found.created_at)}  {one_line(found.filename)}")
    return 0


async def _download(provider: Provider, args: argparse.Namespace) -> int:
    for file_id in args.ids:
        path = await download_file(provider, file_id, args.output)
        print(tr("Saved {id} as {path}.").format(id=one_line(file_id), path=path))
    return 0


async def _delete(provider: Provider, args: argparse.Namespace) -> int:
    question = tr("Delete {n} files from the provider? Jobs that used them keep their results. [y/N] ")
    if not args.yes and not await asyncio.to_thread(confirm, question.format(n=len(args.ids))):
        print(tr("Nothing was deleted."))
        return 1
    for file_id in args.ids:
        await provider.delete_file(file_id)
        print(tr("Deleted {id}.").format(id=one_line(file_id)))
    return 0


def add_file_commands(commands: Any) -> None:
    actions = add_actions(commands, "files", tr("list, download and delete the files uploaded for training"))
    listing = actions.add_parser("list", help=tr("the files of the profile"))
    add_json_option(listing)
    download = actions.add_parser("download", help=tr("save files into a folder (under safe names)"))
    download.add_argument("ids", nargs="+", metavar="FILE_ID")
    download.add_argument("-o", "--output", type=Path, default=Path(),
                          help=tr("the folder to save into (default: the current folder)"))
    delete = actions.add_parser("delete", help=tr("delete files from the provider"))
    delete.add_argument("ids", nargs="+", metavar="FILE_ID")
    add_yes_option(delete, tr("delete without asking"))
    for command, action in ((listing, _list), (download, _download), (delete, _delete)):
        add_connection_options(command)
        command.set_defaults(handler=in_session(action))
