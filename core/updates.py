"""Is a newer FineTune Studio out? One bounded request to the project's release feed (GitHub's "latest release"):
it reads the version and what is new, and never downloads anything else. Asked for by the user (Help), or once at
start when they opted in (Settings)."""

from __future__ import annotations

import asyncio
import json
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.errors import CoreError
from core.i18n import tr
from core.version import APP_ID, __version__

REPOSITORY = "finetune-studio/finetune-studio"  # owner/name on GitHub: set here once the final address is known
RELEASE_FEED = f"https://api.github.com/repos/{REPOSITORY}/releases/latest"
RELEASES_PAGE = f"https://github.com/{REPOSITORY}/releases/latest"
FEED_VARIABLE = "FINETUNE_STUDIO_RELEASE_FEED"  # another feed (a mirror, a test server)
MAX_FEED_BYTES = 1024 * 1024  # a release's JSON is a few KB, its asset list a few dozen more
MAX_NOTES_CHARS = 20_000
MAX_NAME_CHARS = 200
TIMEOUT_SECONDS = 15.0  # the whole check, connection and reading together
_VERSION = re.compile(r"^v?(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?(?:[-.]?([0-9A-Za-z.-]{1,40}))?$")


class UpdateCheckError(CoreError):
    """The release feed could not be read, or did not answer like a release."""


@dataclass(frozen=True)
class Release:
    version: str  # as tagged, without the leading "v"
    name: str
    notes: str  # what is new, as the release's text (Markdown source): show it as plain text
    page: str  # the release's web page ("" when the feed gave none we would open)


@dataclass(frozen=True)
class UpdateCheck:
    current: str
    latest: Release

    @property
    def newer(self) -> bool:
        return version_key(self.latest.version) > version_key(self.current)


def version_key(version: str) -> tuple[int, int, int, int, str]:
    """A key that orders versions: 0.10.0 after 0.9.1, and 1.0.0 after its pre-releases (1.0.0rc1, 1.0.0-beta.2).
    Raises ValueError for text that is not a version."""
    match = _VERSION.match(version.strip())
    if match is None:
        raise ValueError(f"not a version: {version[:60]!r}")
    major, minor, patch, suffix = match.groups()
    return int(major), int(minor), int(patch or 0), 0 if suffix else 1, suffix or ""


def release_feed() -> str:
    return os.environ.get(FEED_VARIABLE, "").strip() or RELEASE_FEED


async def check_for_updates(feed: str | None = None, current: str = __version__) -> UpdateCheck:
    """The latest release against ``current``; UpdateCheckError with a message for the user when it cannot tell."""
    feed = feed or release_feed()
    status, body = await _fetch(feed)
    _check_status(status, feed)
    return UpdateCheck(current, parse_release(body))


async def _fetch(feed: str) -> tuple[int, bytes]:
    """The feed's status and body, read up to MAX_FEED_BYTES (more is refused, not read)."""
    import httpx2  # start-up speed: the HTTP library loads with the first check

    headers = {"Accept": "application/vnd.github+json", "User-Agent": f"{APP_ID}/{__version__}"}
    try:
        async with (asyncio.timeout(TIMEOUT_SECONDS),
                    httpx2.AsyncClient(headers=headers, follow_redirects=True, max_redirects=3,
                                       timeout=TIMEOUT_SECONDS) as client,
                    client.stream("GET", feed) as response):
            declared = response.headers.get("content-length", "").strip()
            if declared.isdigit() and int(declared) > MAX_FEED_BYTES:
                raise _too_large()
            body = bytearray()
            async for piece in response.aiter_bytes():
                body += piece
                if len(body) > MAX_FEED_BYTES:
                    raise _too_large()
            return response.status_code, bytes(body)
    except (TimeoutError, httpx2.TimeoutException) as exc:
        raise _unreachable(tr("The release page did not answer in time."), exc) from None
    except (httpx2.HTTPError, httpx2.InvalidURL, OSError) as exc:  # offline, a refused proxy, a broken answer
        raise _unreachable(tr("The release page could not be reached."), exc) from None


def _check_status(status: int, feed: str) -> None:
    if status == 200:
        return
    if status == 404:
        raise UpdateCheckError(tr("No release has been published yet."),
                               tr("You have the newest version there is."), f"404 from {feed}")
    if status in (403, 429):
        raise UpdateCheckError(tr("The release page is busy and asked the app to wait."),
                               tr("Try again in an hour."), f"{status} from {feed}")
    raise UpdateCheckError(tr("The release page answered with an error ({status}).").format(status=status),
                           tr("Try again later."), f"{status} from {feed}")


def parse_release(body: bytes) -> Release:
    """A release from the feed's JSON (``tag_name``, ``name``, ``body``, ``html_url``); everything in it is data."""
    try:
        data = json.loads(body.decode("utf-8"))
        tag = data["tag_name"]
        if not isinstance(tag, str):
            raise ValueError("tag_name is not text")
        version_key(tag)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise UpdateCheckError(tr("The release page answered with something the app does not understand."),
                               tr("Try again later."), f"{type(exc).__name__}: {str(exc)[:200]}") from None
    return Release(version=tag.strip().removeprefix("v"), name=_text(data.get("name"), MAX_NAME_CHARS) or tag,
                   notes=_text(data.get("body"), MAX_NOTES_CHARS), page=_web_page(data.get("html_url")))


def _text(value: object, limit: int) -> str:
    return value[:limit].strip() if isinstance(value, str) else ""


def _web_page(value: object) -> str:
    """The release page to offer as a link: a web address only (never a file or script link)."""
    if not isinstance(value, str) or len(value) > 2000:
        return ""
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("https", "http") and parts.netloc else ""


def _too_large() -> UpdateCheckError:
    return UpdateCheckError(tr("The release page's answer is far larger than a release, so it was not read."),
                            tr("Try again later."), f"more than {MAX_FEED_BYTES} bytes")


def _unreachable(message: str, exc: BaseException) -> UpdateCheckError:
    return UpdateCheckError(message, tr("Check your internet connection (and the HTTPS_PROXY variable if you use a "
                                        "proxy), or open {page} in a browser.").format(page=RELEASES_PAGE),
                            f"{type(exc).__name__}: {exc}")
