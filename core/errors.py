"""One family of errors that carry a message a user can act on.

Every exception from the SDK or the network is turned into a CoreError here and nowhere else,
so the GUI and the CLI only ever show ``user_message`` and ``hint``; ``detail`` goes to the log.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from core.i18n import tr


class CoreError(Exception):
    """An error with a translated, user-facing message and a hint on what to do."""

    def __init__(self, user_message: str, hint: str = "", detail: str = "") -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.hint = hint
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.user_message} {self.hint}".strip()


class ConfigError(CoreError):
    """The user's settings are incomplete or malformed."""


class SecretStoreError(CoreError):
    """The API key could not be stored or read."""


class NetworkError(CoreError):
    """The server could not be reached."""


class ProxyError(NetworkError):
    """The proxy refused the connection or asked for credentials."""


class TLSError(NetworkError):
    """The secure connection could not be established."""


class TimeoutError_(NetworkError):
    """The server did not answer in time."""


class APIStatusError(CoreError):
    """The server answered with an HTTP error status."""

    def __init__(self, user_message: str, hint: str = "", detail: str = "", status: int = 0,
                 retry_after: float | None = None) -> None:
        super().__init__(user_message, hint, detail)
        self.status, self.retry_after = status, retry_after


class GatewayError(CoreError):
    """The server answered, but not like an OpenAI-compatible API."""



def status_error(status: int, detail: str = "", base_url: str = "", reason: str = "") -> APIStatusError:
    """A user-facing error for an HTTP error status from the API."""
    if status == 401:
        message = tr("The server rejected the API key.")
        hint = tr("Check that the key is complete and belongs to this provider; paste it again in Settings.")
    elif status == 403:
        message = tr("The key may not use this service (403 Forbidden).")
        hint = tr("Your region, organization or project may not have access. Check the organization and "
                   "project fields, or use a gateway that is allowed in your region.")
    elif status == 404 and any(word in reason.lower() for word in ("model", "deployment")):
        message = tr("Not found (404): {reason}").format(reason=reason)
        hint = tr("Check the model or deployment name: it may not exist yet, or belong to another profile.")
    elif status == 404:
        message = tr("The server has no such address (404 Not Found).")
        hint = tr("The base URL is probably wrong. Most services expect it to end with /v1.")
        if base_url and not base_url.rstrip("/").endswith("/v1"):
            hint = tr("The base URL is probably missing /v1: try {url}.").format(
                url=base_url.rstrip("/") + "/v1")
    elif status == 429:
        message = tr("Too many requests, or your quota is used up (429).")
        hint = tr("Wait a minute and try again. If it keeps happening, check your plan and billing.")
        if "quota" in detail.lower():
            message = tr("Your quota is used up (429 insufficient_quota).")
            hint = tr("Add credit or raise the limit in your provider's billing page.")
    elif status >= 500:
        message = tr("The server had a problem ({status}).").format(status=status)
        hint = tr("This is usually temporary. Try again in a few minutes.")
    elif reason:
        message = tr("The server refused the request ({status}): {reason}").format(status=status, reason=reason)
        hint = tr("Change what the message names and try again.")
    else:
        message = tr("The server refused the request ({status}).").format(status=status)
        hint = tr("See the details in the log; the request may be malformed.")
    return APIStatusError(message, hint, detail, status=status)


def _retry_after(exc: BaseException) -> float | None:
    try:
        return float(exc.response.headers.get("retry-after"))  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return None


def _reason(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    error = body.get("error", body) if isinstance(body, dict) else None
    return str(error.get("message") or "")[:300] if isinstance(error, dict) else ""


def file_error(exc: OSError) -> CoreError:
    """A file that could not be read or written (full disk, no permission, opened by another program)."""
    name = Path(exc.filename).name if getattr(exc, "filename", None) else ""
    return CoreError(tr("The file {name} could not be read or written ({reason}).").format(
                         name=name, reason=exc.strerror or type(exc).__name__),
                     tr("Check that the folder exists, that you may write there, that the disk is not full and "
                        "that no other program has the file open."), repr(exc))


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def from_exception(exc: BaseException, base_url: str = "") -> CoreError:
    """Map any SDK, httpx2 or socket exception to a CoreError. Already-mapped errors pass through."""
    if isinstance(exc, CoreError):
        return exc
    import httpx2
    import openai

    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, openai.APIStatusError) and exc.status_code == 407:
        return ProxyError(tr("The proxy asks for a user name and password (407)."),
                          tr("Write them into the proxy address: http://user:password@host:port."), detail)
    if isinstance(exc, openai.APIStatusError):
        error = status_error(exc.status_code, detail, base_url, _reason(exc))
        error.retry_after = _retry_after(exc)
        return error
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException | TimeoutError):
        return TimeoutError_(tr("The server did not answer in time."),
                             tr("Check your internet connection or raise the timeout in Settings."), detail)
    causes = _cause_chain(exc)
    if any(isinstance(c, httpx2.ProxyError) for c in causes):
        return ProxyError(tr("The proxy refused the connection."),
                          tr("Check the proxy address, port, user name and password in Settings."), detail)
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return TLSError(tr("A secure connection could not be established."),
                        tr("The certificate is not trusted, or the server does not speak HTTPS here."), detail)
    if isinstance(exc, openai.APIConnectionError | httpx2.TransportError | OSError):
        return NetworkError(tr("Could not connect to the server."),
                            tr("Check the base URL, your internet connection and the proxy settings."), detail)
    if isinstance(exc, openai.APIResponseValidationError | ValueError):
        return GatewayError(tr("The server's answer was not understood."),
                            tr("The base URL may point at a web page or a gateway that is not "
                                "OpenAI-compatible."), detail)
    return CoreError(tr("Something unexpected went wrong."),
                     tr("Details are in the log file (Help → Open the log folder)."), detail)
