"""The per-server objects every route needs, hung on the Starlette app."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from sandbox.faults import Faults
from sandbox.state import SandboxState


@dataclass
class Sandbox:
    state: SandboxState
    faults: Faults
    job_seconds: float
    dialect: str = "openai"  # whose API shape to serve: openai, azure, zhipu or bailian


def sandbox_of(request: Request) -> Sandbox:
    return request.app.state.sandbox
