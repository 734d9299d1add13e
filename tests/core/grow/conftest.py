"""A Sandbox on 127.0.0.1, the SDK pointed at it (every chat request it sends is recorded), and examples."""

from __future__ import annotations

import json

import openai
import pytest

from core.dataset.model import Row
from sandbox.server import SandboxServer
from tests.core.grow.shop import ZH_PAIRS, chat_row


@pytest.fixture
def zh_examples() -> tuple[Row, ...]:
    return tuple(chat_row(q, a, line=i + 1) for i, (q, a) in enumerate(ZH_PAIRS))


@pytest.fixture
def server():
    with SandboxServer() as running:
        yield running


class Recorder:
    """The chat requests the client sent, split into question requests (asking for a JSON list) and answers."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.on_answer = None  # called before the first answer request is sent

    async def __call__(self, request) -> None:
        if request.url.path.endswith("/chat/completions"):
            self.bodies.append(json.loads(request.content))
            if self.on_answer is not None and len(self.answers) == 1:
                self.on_answer()

    @staticmethod
    def _asks_for_list(body: dict) -> bool:
        return any(m["role"] == "system" and "JSON" in m["content"] for m in body["messages"])

    @property
    def question_requests(self) -> list[dict]:
        return [b for b in self.bodies if self._asks_for_list(b)]

    @property
    def answers(self) -> list[dict]:
        return [b for b in self.bodies if not self._asks_for_list(b)]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def client(server, recorder):
    http = openai.DefaultAsyncHttpxClient(event_hooks={"request": [recorder]})
    async with openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0,
                                  http_client=http) as sdk:
        yield sdk
