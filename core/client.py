"""Build the official AsyncOpenAI client from a profile: base URL always explicit, proxy, timeout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.logs import register_secret
from core.settings import Profile
from core.urls import is_loopback

if TYPE_CHECKING:
    import openai

# The SDK refuses to build a client without a key; a placeholder gives the server the chance to say 401.
MISSING_KEY = "missing-key"


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
