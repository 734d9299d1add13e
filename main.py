"""FineTune Studio entry point: no arguments open the app; arguments run the CLI."""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from core.logs import setup_logging  # noqa: E402
from core.paths import data_dir, this_computer_dirs  # noqa: E402
from core.profiles import ProfileService  # noqa: E402
from core.settings import SettingsStore  # noqa: E402
from sandbox.launcher import SandboxLauncher, app_state_dir  # noqa: E402

if TYPE_CHECKING:
    from cli.sandbox_server import SandboxOptions, ServedSandbox
    from core.local.launcher import LocalLauncher

APP_JOB_SECONDS = 60.0  # how long a Sandbox job takes in the app
# A terminal waits for the job: a command that starts its own Sandbox runs jobs of seconds (one that finds the
# app's Sandbox running uses it, jobs of a minute).
CLI_JOB_SECONDS = 5.0


class LocalServer:
    """This computer's local server for ProfileService: its launcher (and the modules behind it) loads when the
    "This computer" profile is first used, not with the app (start-up speed)."""

    def __init__(self) -> None:
        self.launcher: LocalLauncher | None = None

    async def base_url(self) -> str:
        if self.launcher is None:
            from core.local.launcher import LocalLauncher

            self.launcher = LocalLauncher(*this_computer_dirs())
        return await self.launcher.base_url()

    def stop(self) -> None:
        if self.launcher is not None:
            self.launcher.stop()


def build_profile_service(job_seconds: float = APP_JOB_SECONDS) -> ProfileService:
    """The one place that wires core services together; the GUI and the CLI receive them."""
    sandbox = SandboxLauncher(state_dir=app_state_dir(data_dir()), job_seconds=job_seconds)
    return ProfileService(SettingsStore(), sandbox=sandbox, this_computer=LocalServer())


def bind_sandbox(options: SandboxOptions) -> ServedSandbox:
    """The `sandbox` command's server, bound to its port (raises OSError when the port cannot be had)."""
    from cli.sandbox_server import ServedSandbox  # loaded with the CLI, not with the app
    from sandbox.server import SandboxServer  # the web stack: only this command needs it

    server = SandboxServer(options.host, options.port, options.state_dir, options.job_seconds,
                           dialect=options.dialect)
    return ServedSandbox(server.base_url, server.loopback_only, server.app.state.sandbox.state.set_aside,
                         server.serve_forever)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    services: list[ProfileService] = []
    gui = not argv or argv in (["--smoke"], ["--self-test"])

    def make_service() -> ProfileService:
        services.append(build_profile_service(APP_JOB_SECONDS if gui else CLI_JOB_SECONDS))
        return services[-1]

    try:
        if gui:
            from gui.app import run_app  # Qt loads only when the app opens

            return run_app(make_service(), smoke=argv == ["--smoke"], started=STARTED, test=argv == ["--self-test"])
        from cli.app import main as cli_main  # the CLI's modules load only for a command

        return cli_main(argv, make_service, bind_sandbox)
    finally:
        for service in services:
            for launcher in (service.sandbox, service.this_computer):
                if launcher is not None:
                    launcher.stop()


def run_gui() -> None:
    if getattr(sys, "frozen", False):  # start-up speed: multiprocessing loads with the first worker otherwise
        import multiprocessing

        multiprocessing.freeze_support()  # packaged builds start their worker processes through this executable
    sys.exit(main())


def run_cli() -> None:
    sys.exit(main(sys.argv[1:] or ["--help"]))


if __name__ == "__main__":
    run_gui()
