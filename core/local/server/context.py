"""The per-server object every route needs, hung on the Starlette app as ``app.state.local``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from core.local.server.answerers import Answerers
from core.local.server.runner import Runner
from core.local.server.state import LocalState


@dataclass
class Local:
    state: LocalState
    models_dir: Path  # where catalogue models are downloaded (core.local.catalogue.folder_for)
    runner: Runner
    answerers: Answerers

    @property
    def state_dir(self) -> Path:
        return self.state.state_dir


def local_of(request: Request) -> Local:
    return request.app.state.local
