"""Turn whatever a user pasted into a base URL the SDK can use, and say what was changed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from core.errors import ConfigError
from core.i18n import tr

# Endpoint paths people paste by mistake after the base URL (longest first).
_ENDPOINT_SUFFIXES = (
    "/fine_tuning/jobs", "/chat/completions", "/completions", "/embeddings", "/responses",
    "/models", "/files", "/uploads",
)
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


@dataclass(frozen=True)
class NormalisedUrl:
    url: str
    changes: tuple[str, ...] = ()



def normalise_base_url(raw: str, add_v1: bool = True) -> NormalisedUrl:
    """Strip spaces, a trailing slash and pasted endpoint paths; add a scheme and /v1 if missing."""
    url = raw.strip()
    if not url:
        raise ConfigError(tr("The base URL is empty."), tr("Enter an address such as https://api.openai.com/v1."))
    changes: list[str] = []
    if "://" not in url:
        url = "https://" + url
        changes.append(tr("added https://"))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(tr("“{url}” is not a web address.").format(url=raw.strip()),
                          tr("A base URL looks like https://api.openai.com/v1."))
    path = parts.path.rstrip("/")
    if parts.path != path and path:
        changes.append(tr("removed the trailing slash"))
    for suffix in _ENDPOINT_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            changes.append(tr("removed the endpoint path {path}").format(path=suffix))
            break
    if add_v1 and path in ("", "/openai"):
        path += "/v1"
        changes.append(tr("added /v1"))
    return NormalisedUrl(urlunsplit((parts.scheme, parts.netloc, path, "", "")), tuple(changes))


def split_proxy_password(url: str) -> tuple[str, str]:
    """``url`` without its password (``user:@host`` keeps the place of one) and the password ('' if none).

    The user ends at the first ':' and the password at the last '@', as the SDK's HTTP client reads them."""
    scheme, sep, rest = url.partition("://")
    authority, slash, tail = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not sep or not at or not colon or not password:
        return url, ""
    return f"{scheme}://{user}:@{host}{slash}{tail}", password


def with_proxy_password(url: str, password: str) -> str:
    """``url`` (as split_proxy_password left it) with ``password`` put back in its place."""
    scheme, sep, rest = url.partition("://")
    authority, slash, tail = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    user, colon, old = userinfo.partition(":")
    if not sep or not at or not colon or old or not password:
        return url
    return f"{scheme}://{user}:{password}@{host}{slash}{tail}"


def proxy_waits_for_password(url: str) -> bool:
    """True for ``user:@host``: the settings file's mark of a proxy whose password is kept with the keys."""
    stripped, password = split_proxy_password(url)
    return not password and ":@" in stripped.partition("://")[2].partition("/")[0]


def check_proxy_url(raw: str) -> str:
    """The proxy URL, trimmed, or '' for none; raises ConfigError if it cannot be used."""
    proxy = raw.strip()
    if not proxy:
        return ""
    if "://" not in proxy:
        proxy = "http://" + proxy
    parts = urlsplit(proxy)
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        shown = split_proxy_password(raw.strip())[0]  # the message may be logged or shown over a shoulder
        raise ConfigError(tr("“{url}” is not a proxy address.").format(url=shown),
                          tr("Use http://host:port or socks5://host:port (user:password@ if needed)."))
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        raise ConfigError(tr("The proxy address has no valid port."),
                          tr("Add the port, e.g. http://127.0.0.1:7890."))
    return proxy


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")
