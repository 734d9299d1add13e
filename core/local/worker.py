"""The training worker process: ``python -m core.local.worker JOB_FOLDER``.

Runs one job from its folder and always ends ``events.jsonl`` with a ``finished`` line, so the server never
has to guess: succeeded, paused (a checkpoint to resume from), or failed with a classified error. A
cancelled job is simply terminated by the server. Exit code 0 whenever the finished line was written.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from core.i18n import use_inherited_language
from core.local.errors import classify
from core.local.job_files import EventWriter, TrainSpec


def run(folder: Path) -> None:
    use_inherited_language()  # its messages are the user's to read
    events = EventWriter(folder)
    try:
        spec = TrainSpec.load(folder)  # a pause already requested is honoured at the first step's end
        from core.local.engine.train import run_training  # torch and friends: only in the worker

        outcome = run_training(spec, folder, events)
    except Exception as exc:  # noqa: BLE001 - every failure must end in a classified finished line
        traceback.print_exc()
        code, message = classify(exc)
        events.write("finished", status="failed", trained_tokens=0, error={"code": code, "message": message})
        return
    events.write("finished", status=outcome.status, trained_tokens=outcome.trained_tokens)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m core.local.worker JOB_FOLDER", file=sys.stderr)
        return 2
    run(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
