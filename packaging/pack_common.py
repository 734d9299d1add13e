"""What the packaging steps share: where things are, what a packer hands back, the built app's self-test."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
SELF_TEST_SECONDS = 300  # a cold start of a packed app on a shared CI runner, plus the Sandbox's answer


@dataclass
class Packed:
    """A packer's outcome: the files made, the self-tests of what was packed, and what could not be made here."""

    files: list[Path] = field(default_factory=list)
    tests: dict[str, bool] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def smoke_test(executable: Path, extra_env: dict[str, str] | None = None, wrapper: tuple[str, ...] = ()) -> bool:
    """Start the built app with --self-test (window shown, the Sandbox answers), offscreen unless ``extra_env``
    names another Qt platform; True when it exits 0. ``wrapper`` runs it inside another command (xvfb-run)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FINETUNE_STUDIO_HOME": tempfile.mkdtemp(prefix="ft-smoke-"),
           **(extra_env or {})}
    try:
        result = subprocess.run([*wrapper, str(executable), "--self-test"], capture_output=True, text=True,
                                timeout=SELF_TEST_SECONDS, env=env)
    except subprocess.TimeoutExpired:
        print(f"{executable.name} --self-test: no answer within {SELF_TEST_SECONDS} s", flush=True)
        return False
    print(f"{executable.name} --self-test: {(result.stdout.strip() or result.stderr[-2000:])}", flush=True)
    return result.returncode == 0


def mib(path: Path) -> float:
    """The size of a file, or of the files in a folder (links not followed), in MiB."""
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file() and not f.is_symlink()]
    return round(sum(f.stat().st_size for f in files) / 1024 / 1024, 1)
