"""FineTune Studio entry point: no arguments open the app; arguments run the CLI."""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import multiprocessing  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from core.logs import setup_logging  # noqa: E402
from core.profiles import ProfileService  # noqa: E402
from core.settings import SettingsStore  # noqa: E402


def build_profile_service() -> ProfileService:
    """The one place that wires core services together; the GUI and the CLI receive them."""
    from sandbox.launcher import SandboxLauncher, app_state_dir

    sandbox = SandboxLauncher(state_dir=app_state_dir(), job_seconds=60.0)
    return ProfileService(SettingsStore(), sandbox=sandbox)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    services: list[ProfileService] = []

    def make_service() -> ProfileService:
        services.append(build_profile_service())
        return services[-1]

    try:
        if not argv or argv in (["--smoke"], ["--self-test"]):
            from gui.app import run_app

            return run_app(make_service(), smoke=argv == ["--smoke"], started=STARTED, test=argv == ["--self-test"])
        from core.cli import main as cli_main

        return cli_main(argv, make_service)
    finally:
        for service in services:
            if service.sandbox is not None:
                service.sandbox.stop()


def run_gui() -> None:
    multiprocessing.freeze_support()  # packaged builds start their worker processes through this executable
    sys.exit(main())


def run_cli() -> None:
    sys.exit(main(sys.argv[1:] or ["--help"]))


if __name__ == "__main__":
    run_gui()
