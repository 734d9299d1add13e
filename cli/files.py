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
from core.files import list_kept_files, save_file, used_by_text
from core.i18n import tr
from core.providers.base import Provider
from core.terminal import one_line


async def _list(provider: Provider, args: argparse.Namespace) -> int:
    kept = await list_kept_files(provider)
    if args.json:
        print_json([{**asdict(k.file), "used_by": [asdict(use) for use in k.used_by]} for k in kept])
        return 0
    if not kept:
        print(tr("No uploaded files."))
    for found in kept:
        f = found.file
        used = used_by_text(found) or tr("no job")
        print(f"{one_line(f.id)}  {one_line(f.purpose) or '-'}  {f.bytes:>12,}  {local_time(f.created_at)}  "
              f"{one_line(f.filename)}  " + tr("used by: {jobs}").format(jobs=one_line(used)))
    return 0


async def _download(provider: Provider, args: argparse.Namespace) -> int:
    for file_id in args.ids:
        path = await save_file(provider, file_id, args.output, many=len(args.ids) > 1)
        print(tr("Saved {id} as {path}.").format(id=one_line(file_id), path=path))
    return 0


async def _delete(provider: Provider, args: argparse.Namespace) -> int:
    question = tr("Delete {n} files from the provider? Jobs that used them keep their results. [y/N] ")
    if not args.yes:
        for found in await list_kept_files(provider):
            if found.file.id in args.ids and found.used_by:
                print(tr("{id} was used by: {jobs}").format(id=one_line(found.file.id),
                                                           jobs=one_line(used_by_text(found))))
    if not args.yes and not await asyncio.to_thread(confirm, question.format(n=len(args.ids))):
        print(tr("Nothing was deleted."))
        return 1
    for file_id in args.ids:
        await provider.delete_file(file_id)
        print(tr("Deleted {id}.").format(id=one_line(file_id)))
    return 0


def add_file_commands(commands: Any) -> None:
    actions = add_actions(commands, "files", tr("list, download and delete the files uploaded for training"))
    listing = actions.add_parser("list", help=tr("the files of the profile, with purpose, size, date and the jobs "
                                                 "that used them"))
    add_json_option(listing)
    download = actions.add_parser("download", help=tr("save a file as PATH, or files into a folder (under safe "
                                                      "names); nothing that exists is replaced"))
    download.add_argument("ids", nargs="+", metavar="FILE_ID")
    download.add_argument("-o", "--output", type=Path, default=Path(),
                          metavar="PATH", help=tr("the file to write, or the folder to save into: one that "
                                                  "exists, or a name without extension (default: the current "
                                                  "folder)"))
    delete = actions.add_parser("delete", help=tr("delete files from the provider"))
    delete.add_argument("ids", nargs="+", metavar="FILE_ID")
    add_yes_option(delete, tr("delete without asking"))
    for command, action in ((listing, _list), (download, _download), (delete, _delete)):
        add_connection_options(command)
        command.set_defaults(handler=in_session(action))
