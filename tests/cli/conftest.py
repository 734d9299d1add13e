"""The CLI run in this process, as main.py runs it (its services, its Sandbox), for the quick tests."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from cli.app import main as cli_main
from core.profiles import ProfileService
from main import CLI_JOB_SECONDS, bind_sandbox, build_profile_service


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Ran]]:
    """``run_cli(*argv, stdin="")``: one command, with ``stdin`` as its standard input (text: not a terminal)."""
    services: list[ProfileService] = []

    def service() -> ProfileService:
        services.append(build_profile_service(CLI_JOB_SECONDS))
        return services[-1]

    def run(*argv: str, stdin: str | io.TextIOBase = "") -> Ran:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin) if isinstance(stdin, str) else stdin)
        code = cli_main(list(argv), service, bind_sandbox)
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    yield run
    for each in services:
        for launcher in (each.sandbox, each.this_computer):
            if launcher is not None:
                launcher.stop()
