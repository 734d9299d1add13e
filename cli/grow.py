"""`grow [FILE] -o OUT --to N --model MODEL`: a model writes new rows from the file's examples or a document into a
review file (JSONL, each row marked "generated"), never into the training file. The cost is printed before and
after; Ctrl+C keeps the rows written so far."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from cli.connection import add_connection_options, session
from core.dataset.io import read_rows
from core.dataset.model import Format, Row
from core.errors import CoreError
from core.grow import (
    GrowProgress,
    GrowRequest,
    check_request,
    cost_text,
    estimate_cost,
    grow,
    read_document,
    review_record,
    split_passages,
    stage_text,
)
from core.i18n import tr
from core.profiles import ProfileService
from core.terminal import one_line


def _request(args: argparse.Namespace) -> tuple[GrowRequest, list[Row]]:
    """The request the options describe, and the rows of FILE (to compare the new ones with)."""
    if args.file is None and args.from_document is None:
        raise CoreError(tr("Give a training file whose rows are the examples, a document (--from-document), or both."))
    if args.file is not None and args.output.resolve() == args.file.resolve():
        raise CoreError(tr("The review file must not be the training file."),
                        tr("Choose another name with -o; add the rows you accept to the training file afterwards."))
    rows = read_rows(args.file)[0] if args.file is not None else []
    examples = tuple(row for row in rows if row.format is Format.CHAT)
    passages = split_passages(read_document(args.from_document)) if args.from_document is not None else ()
    request = GrowRequest(examples, args.to - len(rows), args.model, args.instructions, args.temperature, passages)
    return request, rows


class _Report:
    """Progress on standard error: one line that updates itself on a terminal; otherwise a line at each stage and
    every tenth of the rows."""

    def __init__(self, wanted: int) -> None:
        self.terminal = sys.stderr.isatty()
        self.step = max(1, wanted // 10)
        self.stage, self.width = "", 0

    def show(self, progress: GrowProgress) -> None:
        line = tr("{stage} {made} of {wanted} rows; so far {cost}").format(
            stage=stage_text(progress.stage), made=progress.made, wanted=progress.wanted,
            cost=cost_text(progress.cost))
        if self.terminal:
            print("\r" + line.ljust(self.width), end="", file=sys.stderr, flush=True)
            self.width = len(line)
        elif progress.stage != self.stage or progress.new_rows and progress.made % self.step == 0:
            print(line, file=sys.stderr)
        self.stage = progress.stage

    def end(self) -> None:
        if self.terminal:
            print(file=sys.stderr)


def _summary(rows: list[dict[str, Any]], last: GrowProgress, output: Path) -> int:
    failed = [(number, r["generated"]["error"]) for number, r in enumerate(rows, start=1) if r["generated"]["error"]]
    for number, error in failed[:20]:
        print(tr("Row {n}: {error}").format(n=number, error=one_line(error)), file=sys.stderr)
    if last.made < last.wanted:
        print(tr("Only {made} of {wanted} rows were made: the model wrote no more new questions. Add more varied "
                 "examples, or say what to ask about with --instructions.").format(made=last.made, wanted=last.wanted),
              file=sys.stderr)
    close = sum(1 for r in rows if r["generated"]["similar_to"])
    print(tr("Spent: {cost}").format(cost=cost_text(last.cost)), file=sys.stderr)
    print(tr("Wrote {n} rows to {path} for review: {failed} with errors, {close} close to other rows.").format(
        n=len(rows), path=output, failed=len(failed), close=close))
    return 1 if failed or last.made < last.wanted else 0


def cmd_grow(service: ProfileService, args: argparse.Namespace) -> int:
    request, existing = _request(args)
    if request.count <= 0:
        print(tr("The file already has {n} rows: there is nothing to add for --to {to}.").format(
            n=len(existing), to=args.to), file=sys.stderr)
        return 0
    check_request(request)
    print(tr("Estimated cost for {n} new rows: {cost} (an estimate)").format(
        n=request.count, cost=cost_text(estimate_cost(request))), file=sys.stderr)
    written: list[dict[str, Any]] = []

    async def run(output: IO[str]) -> int:
        report, last = _Report(request.count), None
        async with session(service, args) as provider:
            chosen = replace(request, model=await provider.chat_model(args.model))
            async for last in grow(provider.chat_client, chosen, existing):
                records = [review_record(row) for row in last.new_rows]
                output.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
                output.flush()  # Ctrl+C, or a failure later, keeps every row made so far
                written.extend(records)
                report.show(last)
        report.end()
        return _summary(written, last, args.output)

    with args.output.open("w", encoding="utf-8", newline="\n") as output:
        try:
            return asyncio.run(run(output))
        except KeyboardInterrupt:
            print(tr("Stopped: the {n} rows written so far are kept in {path}.").format(
                n=len(written), path=args.output), file=sys.stderr)
            raise


def add_grow_command(commands: Any) -> None:
    grow_parser = commands.add_parser("grow", help=tr("write new rows with a model, from examples or a document, "
                                                      "into a file to review"))
    grow_parser.add_argument("file", nargs="?", type=Path,
                             help=tr("training file whose chat rows are the examples (optional with "
                                     "--from-document)"))
    grow_parser.add_argument("-o", "--output", type=Path, required=True,
                             help=tr("the review file to write (JSONL; each row marked generated)"))
    grow_parser.add_argument("--to", type=int, required=True, metavar="N",
                             help=tr("how many rows there should be in all: N minus the rows of FILE are made"))
    grow_parser.add_argument("--model", required=True, help=tr("the chat model that writes the new rows"))
    grow_parser.add_argument("--instructions", default="", metavar="TEXT",
                             help=tr("what to ask for, e.g. “more questions about refunds”, “answers under 50 "
                                     "characters”, a language"))
    grow_parser.add_argument("--from-document", type=Path, metavar="PATH",
                             help=tr("write questions and answers from this .txt, .md, .docx or .pdf"))
    grow_parser.add_argument("--temperature", type=float, default=1.0, metavar="T",
                             help=tr("how freely the model writes, 0 to 2 (default: 1)"))
    add_connection_options(grow_parser)
    grow_parser.set_defaults(handler=cmd_grow)
