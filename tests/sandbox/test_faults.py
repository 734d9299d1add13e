"""The fault knobs: what a user (and the app) sees when the service or a gateway misbehaves."""

import time

import httpx2
import openai
import pytest

from sandbox.faults import Faults

HELLO = [{"role": "user", "content": "Hello"}]


def set_faults(server, **knobs):
    response = httpx2.put(server.origin + "/_sandbox/faults", json=knobs, trust_env=False)
    assert response.status_code == 200, response.text
    return response.json()


def raw_stream(server, **body):
    """The raw bytes of a streamed chat answer and their arrival times (seconds since the request)."""
    request = {"model": "gpt-4o-mini", "messages": HELLO, "stream": True} | body
    arrivals = []
    started = time.monotonic()
    with httpx2.stream("POST", server.base_url + "/chat/completions", json=request, trust_env=False,
                       headers={"Authorization": "Bearer sk-test"}) as response:
        for part in response.iter_raw():
            arrivals.append((time.monotonic() - started, part))
        return response, b"".join(p for _, p in arrivals), arrivals


def test_rate_limit_with_retry_after_then_recovers(server, client):
    set_faults(server, status=429, retry_after=2, times=1)
    with pytest.raises(openai.RateLimitError) as info:
        client.models.list()
    assert info.value.response.headers["retry-after"] == "2"
    assert info.value.code == "rate_limit_exceeded"
    assert client.models.list().data  # times=1: the next request works


@pytest.mark.parametrize(("status", "error"), [(500, openai.InternalServerError), (502, openai.InternalServerError),
                                               (503, openai.InternalServerError)])
def test_server_errors(server, client, status, error):
    set_faults(server, status=status)
    with pytest.raises(error) as info:
        client.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
    assert info.value.status_code == status
    httpx2.delete(server.origin + "/_sandbox/faults", trust_env=False)
    assert client.chat.completions.create(model="gpt-4o-mini", messages=HELLO).choices


def test_delay_before_the_first_byte_trips_the_timeout(server):
    set_faults(server, first_byte_delay=60)  # far beyond the client's patience, however slow the machine
    with openai.OpenAI(api_key="k", base_url=server.base_url, max_retries=0, timeout=0.3) as impatient, \
            pytest.raises(openai.APITimeoutError):
        impatient.models.list()


def test_dropped_stream_keeps_what_arrived(server, client):
    set_faults(server, drop_stream_after=3)
    received = []
    with pytest.raises((openai.APIConnectionError, httpx2.RemoteProtocolError)):
        for chunk in client.chat.completions.create(model="gpt-4o-mini", messages=HELLO, stream=True):
            received.append(chunk.choices[0].delta.content or "")
    assert 1 <= len(received) <= 3
    assert "".join(received).startswith("[Sandbox]")


def test_gateway_pings_and_empty_data_lines(server):
    set_faults(server, ping=True)
    response, body, _ = raw_stream(server)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert b"event: ping\n" in body and b"data: \n\n" in body
    assert body.rstrip().endswith(b"data: [DONE]")


def test_proxy_that_does_not_stream(server):
    set_faults(server, no_stream=True)
    response, body, _ = raw_stream(server)
    assert response.headers["content-type"] == "application/json"
    assert b'"object":"chat.completion"' in body.replace(b" ", b"")


def test_buffering_proxy_sends_everything_at_the_end(server):
    set_faults(server, buffer=True, chunk_delay=0.05)
    _, body, arrivals = raw_stream(server)
    chunks = body.count(b"data: {")
    assert chunks > 5
    # Nothing arrived before every chunk was written (a chunk per 0.05 s): all of it came at the end. A
    # lower bound, so a slow machine cannot break it.
    assert arrivals[0][0] >= (chunks - 1) * 0.05


def test_slow_stream_spreads_chunks_out(server):
    set_faults(server, chunk_delay=0.05)
    _, body, arrivals = raw_stream(server)
    assert body.count(b"data: {") > 5
    assert arrivals[-1][0] - arrivals[0][0] > 0.2


def test_faults_reset_and_unknown_knobs(server, client):
    set_faults(server, status=503)
    assert httpx2.get(server.origin + "/_sandbox/faults", trust_env=False).json()["status"] == 503
    assert httpx2.delete(server.origin + "/_sandbox/faults", trust_env=False).json() == Faults().to_dict()
    assert client.models.list().data
    response = httpx2.put(server.origin + "/_sandbox/faults", json={"explode": True}, trust_env=False)
    assert response.status_code == 400 and "explode" in response.json()["error"]["message"]


def test_missing_key_beats_any_fault(server):
    set_faults(server, status=500)
    assert httpx2.get(server.base_url + "/models", trust_env=False).status_code == 401
