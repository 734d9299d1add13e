"""Build the official AsyncOpenAI client from a profile: base URL always explicit, proxy, timeout, and a bound
on how much of any answer is read (a server may announce or send gigabytes)."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from core.errors import GatewayError
from core.i18n import tr
from core.logs import register_secret
from core.profile import Profile
from core.response_bound import DOWNLOAD_LIMIT as DOWNLOAD_LIMIT  # re-exported, as are the names below
from core.response_bound import MIB as MIB
from core.response_bound import RESPONSE_LIMIT as RESPONSE_LIMIT
from core.response_bound import ResponseTooLargeError, current_limit
from core.response_bound import response_limit as response_limit
from core.urls import is_loopback

if TYPE_CHECKING:
    import httpx2
    import openai

# The SDK refuses to build a client without a key; a placeholder gives the server the chance to say 401.
MISSING_KEY = "missing-key"
def _inflater(encoding: str, url: str) -> zlib._Decompress | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, told apart by zlib
    raise GatewayError(tr("The server compressed its answer in a way the app does not read ({encoding}).").format(
                           encoding=encoding[:40]),
                       tr("Check the base URL in Settings; a proxy in between may be changing the answers."),
                       f"Content-Encoding {encoding!r} from {url}")


async def _cap_response(response: httpx2.Response) -> None:
    """Refuse an answer that announces more than the bound; count the rest as it is read."""
    from core.capped_stream import CappedStream  # start-up speed: httpx2 loads with the first request

    limit, url = current_limit(), str(response.request.url)
    declared = response.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise ResponseTooLargeError(limit, f"Content-Length {declared[:30]} from {url}")
    encoding = response.headers.get("content-encoding", "").strip().lower()
    inflate = _inflater(encoding, url)
    response.headers.pop("content-encoding", None)  # decompressed by CappedStream, not again by httpx2
    response.stream = CappedStream(response.stream, limit, inflate, url)


def build_client(profile: Profile, api_key: str, base_url: str = "", max_retries: int = 2,
                 timeout: float | None = None) -> openai.AsyncOpenAI:
    """An AsyncOpenAI client for ``profile``. ``base_url`` overrides the profile's (the Sandbox's real port)."""
    import openai

    url = base_url or profile.base_url
    register_secret(api_key)
    # System proxy variables apply only when the profile sets no proxy and the server is not on this machine.
    http_client = openai.DefaultAsyncHttpxClient(
        proxy=profile.proxy or None,
        trust_env=not profile.proxy and not is_loopback(url),
        headers={"Accept-Encoding": "gzip"},  # the only compression CappedStream reads
        event_hooks={"response": [_cap_response]},
    )
    return openai.AsyncOpenAI(
        api_key=api_key or MISSING_KEY,
        base_url=url,  # always explicit: an empty OPENAI_BASE_URL variable would otherwise break the SDK
        organization=profile.organization or None,
        project=profile.project or None,
        timeout=timeout if timeout is not None else profile.timeout,
        max_retries=max_retries,
        http_client=http_client,
    )
