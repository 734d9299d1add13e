"""`check FILE` and `fix FILE -o OUT`: the Dataset tab's checks, token counts, estimate and fixes."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.parsing import add_json_option
from core.dataset import fixes
from core.dataset.io import read_rows, save_jsonl
from core.dataset.model import Format
from core.dataset.parallel import check_file
from core.dataset.sources import describe
from core.errors import CoreError
from core.i18n import tr
from core.profiles import ProfileService
from core.terminal import one_line


def cmd_check(service: ProfileService, args: argparse.Namespace) -> int:
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


def add_dataset_commands(commands: Any) -> None:
    check = commands.add_parser("check", help=tr("check a training file, count tokens and estimate the cost"))
    check.add_argument("file", type=Path)
    check.add_argument("--model", default="gpt-4o-mini-2024-07-18", help=tr("base model (default: gpt-4o-mini)"))
    check.add_argument("--format", choices=("auto", "chat", "completion", "dpo"), default="auto")
    check.add_argument("--method", choices=("supervised", "dpo"),
                       help=tr("check the file for this training method as well"))
    add_json_option(check)
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
