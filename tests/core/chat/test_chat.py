"""Asking a model through every gateway habit the Sandbox can imitate."""

import openai
import pytest

from core.chat import ChatRequest, PartialAnswerError, ask, is_legacy, transcript_messages
from core.errors import APIStatusError
from sandbox.faults import Faults
from sandbox.server import SandboxServer

QUESTION = transcript_messages("You are brief.", [("hi", "hello")], "What is the capital of France?")


@pytest.fixture
def server():
    with SandboxServer(job_seconds=1.0) as running:
        yield running


@pytest.fixture
async def client(server):
    # Generous: no test here expects a timeout, and the slow-first-byte fault must never race this one.
    sdk = openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0, timeout=30)
    yield sdk
    await sdk.close()


async def collect(client, request=None, stream=True):
    pieces = []
    answer = await ask(client, request or ChatRequest("gpt-4o-mini", QUESTION), pieces.append, stream)
    return answer, pieces


async def test_a_normal_stream_arrives_in_pieces_with_usage_and_timing(client):
    answer, pieces = await collect(client)
    assert len(pieces) > 2 and answer.text == "".join(pieces) and answer.streamed and not answer.buffered
    assert answer.prompt_tokens and answer.completion_tokens and answer.first_token_seconds is not None


@pytest.mark.parametrize("faults", [Faults(ping=True), Faults(first_byte_delay=1.0), Faults(chunk_delay=0.05)])
async def test_pings_empty_data_lines_and_slow_streams_still_give_the_whole_answer(server, client, faults):
    expected, _ = await collect(client)
    server.set_faults(faults)
    answer, pieces = await collect(client)
    assert answer.text == expected.text and len(pieces) > 2 and answer.streamed


async def test_a_gateway_that_does_not_stream_gives_one_piece(server, client):
    expected, _ = await collect(client)
    server.set_faults(Faults(no_stream=True))
    answer, pieces = await collect(client)
    assert answer.text == expected.text and len(pieces) == 1 and not answer.streamed


async def test_a_buffering_gateway_is_noticed(server, client):
    server.set_faults(Faults(buffer=True, chunk_delay=0.1))
    answer, pieces = await collect(client)
    assert answer.buffered and len(pieces) > 2


async def test_a_dropped_stream_keeps_what_arrived(server, client):
    server.set_faults(Faults(drop_stream_after=3))
    with pytest.raises(PartialAnswerError) as caught:
        await collect(client)
    assert caught.value.text and "cut off" in caught.value.user_message


async def test_429_is_a_clear_error(server, client):
    server.set_faults(Faults(status=429, path="/v1/chat"))
    with pytest.raises(APIStatusError) as caught:
        await collect(client)
    assert caught.value.status == 429


async def test_non_streaming_requests_and_legacy_completion_models(client):
    answer, pieces = await collect(client, stream=False)
    assert len(pieces) == 1 and not answer.streamed
    legacy = ChatRequest("davinci-002", QUESTION, max_tokens=20, stop=("\n",), separator="\n\n###\n\n")
    assert is_legacy("ft:davinci-002:org::abc")
    answer, pieces = await collect(client, legacy)
    assert answer.text and len(pieces) >= 1


@pytest.mark.parametrize("text", ["\n\n###\n\n", " ->", "a\\nb", "\t END", "\\"])
def test_control_characters_round_trip_through_one_line(text):
    from core.chat import read_controls, show_controls

    shown = show_controls(text)
    assert "\n" not in shown and "\t" not in shown and read_controls(shown) == text
