"""Fixtures of the local-training tests: the tiny model folder (built once per session, no downloads) and a local
server on a temporary state folder, reached through the official SDK like the app reaches it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local.tiny_model import make_tiny_model


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight chat model folder on disk, as a user could pick it by path."""
    return make_tiny_model(tmp_path_factory.mktemp("models") / "tiny-chat")


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator:
    """A LocalServer on 127.0.0.1 over a fresh state folder; stopped (with its worker) after the test."""
    from core.local.server.serve import LocalServer

    server = LocalServer(state_dir=tmp_path / "local-state", models_dir=tmp_path / "local-models").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def local_client(local_server):  # noqa: ANN201 - openai.OpenAI
    """The OpenAI SDK pointed at the local server (no retries: a test sees every answer as it came)."""
    import openai

    with openai.OpenAI(base_url=local_server.base_url, api_key="local", max_retries=0, timeout=30) as client:
        yield client
