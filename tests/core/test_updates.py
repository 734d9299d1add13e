"""The update check against small release feeds on 127.0.0.1: a newer release, the same one, broken and huge
answers, a feed that is offline or never answers. It reads one bounded answer and never crashes."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest

import core.updates
from core.settings import AppSettings, settings_from_dict, settings_to_dict
from core.updates import (
    FEED_VARIABLE,
    MAX_FEED_BYTES,
    RELEASE_FEED,
    UpdateCheckError,
    check_for_updates,
    release_feed,
    version_key,
)
from tests.servers import QuietHandler, api_server, closed_port, make_handler, serve


def release(tag: str = "v0.2.0", **fields: object) -> str:
    return json.dumps({"tag_name": tag, "name": f"FineTune Studio {tag}", "body": "- Faster start\n<b>bold?</b>",
                       "html_url": f"https://github.com/example/finetune-studio/releases/tag/{tag}",
                       "assets": [{"name": "FineTuneStudio.AppImage"}], **fields})


async def test_a_newer_release_says_what_is_new():
    with serve(make_handler(200, release("v0.2.0"))) as origin:
        result = await check_for_updates(f"{origin}/releases/latest", current="0.1.0")
    assert result.newer and result.current == "0.1.0"
    assert result.latest.version == "0.2.0" and result.latest.name == "FineTune Studio v0.2.0"
    assert result.latest.notes == "- Faster start\n<b>bold?</b>"  # as written: the dialog shows it as plain text
    assert result.latest.page == "https://github.com/example/finetune-studio/releases/tag/v0.2.0"


async def test_the_request_names_the_app_and_asks_for_json():
    handler = make_handler(200, release())
    with serve(handler) as origin:
        await check_for_updates(origin, current="0.1.0")
    sent = {key.lower(): value for key, value in handler.seen_headers[-1].items()}
    assert sent["user-agent"].startswith("finetune-studio/")  # GitHub refuses requests without one
    assert sent["accept"] == "application/vnd.github+json"


@pytest.mark.parametrize(("tag", "current", "newer"), [
    ("v0.1.0", "0.1.0", False), ("0.1.0", "0.2.0", False), ("v0.10.0", "0.9.1", True), ("v1.0.0", "1.0.0rc1", True),
    ("v1.0.0-beta.2", "1.0.0", False), ("v1.1", "1.0.9", True),
])
async def test_the_same_or_an_older_release_is_not_news(tag, current, newer):
    with api_server(200, release(tag)) as origin:
        assert (await check_for_updates(origin, current=current)).newer is newer


def test_versions_are_ordered_as_numbers():
    assert sorted(["0.10.0", "v0.9.1", "0.9.0", "1.0.0rc1", "1.0.0"], key=version_key) == [
        "0.9.0", "v0.9.1", "0.10.0", "1.0.0rc1", "1.0.0"]
    with pytest.raises(ValueError):
        version_key("latest")


@pytest.mark.parametrize("body", [
    "<html>Rate limited</html>", "[]", json.dumps({"name": "no tag"}), release("nightly"), release(tag=None),
    json.dumps({"tag_name": "v1.0.0"})[:-3], "\xff\xfe",
])
async def test_an_answer_that_is_not_a_release_is_said_plainly(body):
    with api_server(200, body) as origin, pytest.raises(UpdateCheckError) as caught:
        await check_for_updates(origin, current="0.1.0")
    assert caught.value.user_message == "The release page answered with something the app does not understand."


async def test_odd_fields_are_dropped_not_shown():
    body = release("v0.3.0", name=12, body={"text": "x"}, html_url="javascript:alert(1)")
    with api_server(200, body) as origin:
        latest = (await check_for_updates(origin, current="0.1.0")).latest
    assert (latest.name, latest.notes, latest.page) == ("v0.3.0", "", "")
    with api_server(200, release("v0.3.0", body="x" * 50_000, name="n" * 1_000)) as origin:
        latest = (await check_for_updates(origin, current="0.1.0")).latest
    assert len(latest.notes) == core.updates.MAX_NOTES_CHARS and len(latest.name) == core.updates.MAX_NAME_CHARS


@pytest.mark.parametrize(("status", "message"), [
    (404, "No release has been published yet."), (403, "The release page is busy and asked the app to wait."),
    (500, "The release page answered with an error (500)."),
])
async def test_error_statuses(status, message):
    with api_server(status, '{"message": "Not Found"}') as origin, pytest.raises(UpdateCheckError) as caught:
        await check_for_updates(origin)
    assert caught.value.user_message == message


class Endless(QuietHandler):
    """A feed whose answer never ends (no Content-Length): it writes until the client stops reading, or 64 MiB."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        piece = b" " * 65536
        try:
            for _ in range(1024):
                self.wfile.write(piece)
        except OSError:
            pass  # the client hung up, as it should


async def test_a_huge_answer_is_not_read():
    announced = release(body="x" * (MAX_FEED_BYTES + 10))  # refused on its Content-Length
    with api_server(200, announced) as origin, pytest.raises(UpdateCheckError, match="far larger than a release"):
        await check_for_updates(origin)
    with serve(Endless) as origin, pytest.raises(UpdateCheckError, match="far larger than a release"):
        await check_for_updates(origin)  # found out while reading


async def test_offline_is_a_message_not_a_crash():
    with pytest.raises(UpdateCheckError) as caught:
        await check_for_updates(f"http://127.0.0.1:{closed_port()}/releases/latest")
    assert caught.value.user_message == "The release page could not be reached."
    assert "open https://github.com/" in caught.value.hint and "in a browser" in caught.value.hint
    with pytest.raises(UpdateCheckError):
        await check_for_updates("not a web address")


@contextmanager
def silent_server() -> Iterator[str]:
    """A port that takes connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


async def test_a_feed_that_never_answers_is_given_up(monkeypatch):
    monkeypatch.setattr(core.updates, "TIMEOUT_SECONDS", 0.5)
    with silent_server() as origin, pytest.raises(UpdateCheckError) as caught:
        await check_for_updates(origin)
    assert caught.value.user_message == "The release page did not answer in time."


def test_the_feed_is_github_unless_another_is_set(monkeypatch):
    monkeypatch.delenv(FEED_VARIABLE, raising=False)
    assert release_feed() == RELEASE_FEED and RELEASE_FEED.startswith("https://api.github.com/repos/")
    monkeypatch.setenv(FEED_VARIABLE, "http://127.0.0.1:9/latest")
    assert release_feed() == "http://127.0.0.1:9/latest"


def test_the_check_at_start_is_off_unless_the_user_said_yes():
    assert AppSettings().check_for_updates is False
    assert settings_from_dict({"version": 2}).check_for_updates is False  # a file from before the setting
    assert settings_from_dict({"check_for_updates": "yes"}).check_for_updates is False  # only a real yes
    saved = settings_to_dict(AppSettings(check_for_updates=True))
    assert settings_from_dict(json.loads(json.dumps(saved))).check_for_updates is True


class Redirect(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(301)
        self.send_header("Location", "/moved")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


async def test_redirects_are_followed_a_few_times_only():
    with serve(Redirect) as origin, pytest.raises(UpdateCheckError, match="could not be reached"):
        await check_for_updates(origin)
