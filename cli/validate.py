"""`validate MODEL FILE`: the Try it tab's validation-set run. Every prompt of a file goes to the model (and a
compared one), a few at a time; the answers are scored against the expected ones and can be saved as CSV."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli.connection import add_connection_options, session
from cli.output import print_json
from cli.parsing import add_json_option
from core.dataset.io import read_rows
from core.errors import CoreError
from core.evaluate import Outcome, cases_from_rows, run_cases, save_outcomes
from core.i18n import tr
from core.profiles import ProfileService
from core.terminal import one_line
from core.training.service import connect

SHOWN_QUESTION = 60  # characters of a question in a progress line


def _progress(total: int, models: Sequence[str]) -> Any:
    done = 0

    def arrived(index: int, outcome: Outcome) -> None:
        nonlocal done
        done += 1
        scores = "  ".join(f"{score:>4.0%}" for score in outcome.scores)
        print(f"[{done}/{total}] {scores}  {one_line(outcome.case.question)[:SHOWN_QUESTION]}", flush=True)
        for model, error in zip(models, outcome.errors, strict=True):
            if error:
                print("    " + tr("{model}: {error}").format(model=one_line(model), error=one_line(error)))

    return arrived


def _as_json(outcome: Outcome, models: Sequence[str]) -> dict[str, Any]:
    return {"question": outcome.case.question, "expected": outcome.case.expected,
            "answers": dict(zip(models, outcome.answers, strict=True)),
            "similarity": dict(zip(models, outcome.scores, strict=True)),
            "errors": {m: e for m, e in zip(models, outcome.errors, strict=True) if e}}


def _print_summary(outcomes: Sequence[Outcome], models: Sequence[str]) -> None:
    for number, model in enumerate(models):
        average = sum(o.scores[number] for o in outcomes) / len(outcomes)
        print(tr("{model}: {score:.0%} similar on average").format(model=one_line(model), score=average))


def cmd_validate(service: ProfileService, args: argparse.Namespace) -> int:
    if args.compare_profile and not args.compare:
        raise CoreError(tr("--compare-profile needs --compare MODEL."), "")
    models = [args.model, *([args.compare] if args.compare else [])]

    async def run() -> list[Outcome]:
        rows, _ = await asyncio.to_thread(read_rows, args.file)
        cases = cases_from_rows(rows, args.sample, args.seed)
        if not cases:
            raise CoreError(tr("{name} has no examples that end with an expected answer.").format(name=args.file.name),
                            tr("A validation file holds chat examples whose last message is the assistant's answer, "
                               "or prompt/completion rows."))
        on_outcome = (lambda _index, _outcome: None) if args.json else _progress(len(cases), models)
        async with session(service, args) as provider:
            if not args.compare_profile:
                return await run_cases(provider.chat_client, cases, models, on_outcome)
            other = await connect(service, service.find(args.compare_profile))
            try:
                return await run_cases(provider.chat_client, cases, models, on_outcome,
                                       clients=(provider.chat_client, other.chat_client))
            finally:
                await other.close()

    outcomes = asyncio.run(run())
    if args.output is not None:
        save_outcomes(args.output, outcomes, models)  # cells that would be formulas in Excel are neutralised
    if args.json:
        print_json([_as_json(o, models) for o in outcomes])
        return 0
    _print_summary(outcomes, models)
    if args.output is not None:
        print(tr("Saved the results as {path}.").format(path=args.output))
    return 0


def add_validate_command(commands: Any) -> None:
    validate = commands.add_parser("validate", help=tr("ask a model every question of a validation file and score "
                                                       "its answers against the expected ones"))
    validate.add_argument("model")
    validate.add_argument("file", type=Path, help=tr("a validation file (JSONL, CSV or Excel)"))
    validate.add_argument("--compare", metavar="MODEL", help=tr("ask this model too (e.g. the base model)"))
    validate.add_argument("--compare-profile", metavar="PROFILE",
                          help=tr("ask the compared model through this profile (e.g. the old OpenAI model beside its "
                                  "copy retrained elsewhere)"))
    validate.add_argument("--sample", type=int, help=tr("a random sample of this many examples"))
    validate.add_argument("--seed", type=int, default=0, help=tr("seed for --sample (default: 0)"))
    validate.add_argument("-o", "--output", type=Path, help=tr("save the results as CSV (opens in Excel)"))
    add_json_option(validate)
    add_connection_options(validate)
    validate.set_defaults(handler=cmd_validate)
