"""CLI commands to talk to a model and manage models: `chat` and `models list|delete`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from typing import Any

from core.chat import ChatRequest, PartialAnswerError, ask, transcript_messages
from core.cli_training import add_connection_options, confirm, session
from core.i18n import tr
from core.profiles import ProfileService
from core.terminal import one_line, plain


def cmd_chat(service: ProfileService, args: argparse.Namespace) -> int:
    prompt = args.prompt if args.prompt is not None else sys.stdin.read()
    request = ChatRequest(args.model, transcript_messages(args.system or "", [], prompt.strip()), args.temperature,
                          args.max_tokens)

    def show(text: str) -> None:
        print(plain(text), end="", flush=True)

    async def run() -> int:
        async with session(service, args) as training:
            try:
                answer = await ask(training.chat_client, request, show, stream=not args.no_stream)
            except PartialAnswerError as error:
                print()
                raise error
        print()
        usage = tr("{seconds:.1f} s, {prompt} prompt + {completion} answer tokens").format(
            seconds=answer.seconds, prompt=answer.prompt_tokens or "?", completion=answer.completion_tokens or "?")
        print(usage, file=sys.stderr)
        return 0

    return asyncio.run(run())


def cmd_models(service: ProfileService, args: argparse.Namespace) -> int:
    async def run() -> int:
        async with session(service, args) as training:
            if args.action == "delete":
                if not args.yes and not confirm(tr("Delete {model}? This cannot be undone. [y/N] ").format(
                        model=args.model)):
                    print(tr("Nothing was deleted."))
                    return 1
                await training.delete_model(args.model)
                print(tr("Deleted {model}.").format(model=args.model))
                return 0
            models = [m for m in await training.list_models() if m.fine_tuned or not args.fine_tuned]
            if args.json:
                print(json.dumps([{**asdict(m), "fine_tuned": m.fine_tuned} for m in models], ensure_ascii=False,
                                 indent=1))
            for model in [] if args.json else models:
                print(f"{one_line(model.id)}  {one_line(model.owned_by)}  {one_line(model.job_id)}")
            return 0

    return asyncio.run(run())


def add_model_commands(commands: Any) -> None:
    chat = commands.add_parser("chat", help=tr("ask a model; the answer streams to the terminal"))
    chat.add_argument("model")
    chat.add_argument("prompt", nargs="?", help=tr("the question (default: read from standard input)"))
    chat.add_argument("--system", help=tr("system message"))
    chat.add_argument("--no-stream", action="store_true", help=tr("wait for the whole answer"))
    chat.add_argument("--max-tokens", type=int)
    chat.add_argument("--temperature", type=float)
    add_connection_options(chat)
    chat.set_defaults(handler=cmd_chat)

    models = commands.add_parser("models", help=tr("list or delete models"))
    actions = models.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=tr("models of the profile, yours first"))
    listing.add_argument("--fine-tuned", action="store_true", help=tr("only your fine-tuned models"))
    listing.add_argument("--json", action="store_true", help=tr("print one JSON object instead of a summary"))
    add_connection_options(listing)
    listing.set_defaults(handler=cmd_models)
    delete = actions.add_parser("delete", help=tr("delete one of your fine-tuned models"))
    delete.add_argument("model")
    delete.add_argument("--yes", action="store_true", help=tr("delete without asking"))
    add_connection_options(delete)
    delete.set_defaults(handler=cmd_models)
