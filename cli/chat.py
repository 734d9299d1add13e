"""`chat MODEL [PROMPT]`: ask a model as the Try it tab does; the answer streams to the terminal. A legacy
completion model gets the separator and stop sequence of its training data unless they are given."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from cli.connection import add_connection_options, session
from core.chat import ChatRequest, PartialAnswerError, ask, is_legacy, read_controls, show_controls, transcript_messages
from core.i18n import tr
from core.profiles import ProfileService
from core.providers.base import Provider
from core.terminal import plain


async def _markers(provider: Provider, args: argparse.Namespace) -> tuple[str, tuple[str, ...]]:
    """(separator, stop sequences): as given (\\n and \\t written as such), else, for a legacy model, those of its
    training data."""
    separator = read_controls(args.separator) if args.separator is not None else None
    stop = tuple(read_controls(s) for s in args.stop or ())
    if not is_legacy(args.model) or (separator is not None and stop):
        return separator or "", stop
    found_separator, found_stop = await provider.training_markers(args.model) if args.model.startswith("ft:")\
        else ("", "")
    if found_separator or found_stop:
        print(tr("From the model's training data: separator “{separator}”, stop “{stop}”.").format(
            separator=plain(show_controls(found_separator)), stop=plain(show_controls(found_stop))), file=sys.stderr)
    return (found_separator if separator is None else separator), stop or ((found_stop,) if found_stop else ())


async def _request(provider: Provider, args: argparse.Namespace, prompt: str) -> ChatRequest:
    separator, stop = await _markers(provider, args)
    messages = transcript_messages(args.system or "", [], prompt.strip())
    return ChatRequest(await provider.chat_model(args.model), messages, args.temperature, args.max_tokens, stop,
                       separator if is_legacy(args.model) else "")


def cmd_chat(service: ProfileService, args: argparse.Namespace) -> int:
    prompt = args.prompt if args.prompt is not None else sys.stdin.read()

    def show(text: str) -> None:
        print(plain(text), end="", flush=True)

    async def run() -> int:
        async with session(service, args) as provider:
            request = await _request(provider, args, prompt)
            try:
                answer = await ask(provider.chat_client, request, show, stream=not args.no_stream)
            except PartialAnswerError as error:
                print()
                raise error
        print()
        usage = tr("{seconds:.1f} s, {prompt} prompt + {completion} answer tokens").format(
            seconds=answer.seconds, prompt=answer.prompt_tokens or "?", completion=answer.completion_tokens or "?")
        print(usage, file=sys.stderr)
        return 0

    return asyncio.run(run())


def add_chat_command(commands: Any) -> None:
    chat = commands.add_parser("chat", help=tr("ask a model; the answer streams to the terminal"))
    chat.add_argument("model")
    chat.add_argument("prompt", nargs="?", help=tr("the question (default: read from standard input)"))
    chat.add_argument("--system", help=tr("system message"))
    chat.add_argument("--no-stream", action="store_true", help=tr("wait for the whole answer"))
    chat.add_argument("--max-tokens", type=int)
    chat.add_argument("--temperature", type=float)
    chat.add_argument("--stop", action="append", metavar="TEXT",
                      help=tr("where the answer ends (repeatable; \\n is a line break). Legacy models: default from "
                              "their training data"))
    chat.add_argument("--separator", metavar="TEXT",
                      help=tr("appended to the prompt of a legacy model (\\n is a line break; default from its "
                              "training data)"))
    add_connection_options(chat)
    chat.set_defaults(handler=cmd_chat)
