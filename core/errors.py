"""One family of errors that carry a message a user can act on.

Every exception from the SDK or the network is turned into a CoreError here and nowhere else,
so the GUI and the CLI only ever show ``user_message`` and ``hint``; ``detail`` goes to the log.
"""

from __future__ import annotations

import re
import traceback
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
                 retry_after: float | None = None, code: str = "", param: str = "") -> None:
        super().__init__(user_message, hint, detail)
        self.status, self.retry_after = status, retry_after
        self.code, self.param = code, param  # the error body's machine-readable fields, when it had them


class GatewayError(CoreError):
    """The server answered, but not like an OpenAI-compatible API."""



MAX_BODY_IN_DETAIL = 4000  # an error page can be long; its start tells what answered

# A 404 whose reason says the address itself is unknown, or says nothing more than "not found".
_ROUTE_MISS = re.compile(r"(?i)invalid url|unknown (url|path|route|endpoint)|no route|\b(GET|POST|PUT|PATCH|DELETE) /"
                         r"|^\W*(404\W*)?(page\s+)?not\s+found\W*$")
_MISSING = re.compile(r"(?i)no such|not found|does not exist|doesn't exist|could not find|cannot find|unknown")
_MISSING_MODEL_CODES = ("model_not_found", "DeploymentNotFound")


def _missing_object(reason: str, code: str) -> bool:
    """A 404 about an id the server does not know (a job, file, model), not about the address."""
    return code in _MISSING_MODEL_CODES or (bool(_MISSING.search(reason)) and not _ROUTE_MISS.search(reason))


def _not_found(reason: str, code: str, base_url: str) -> tuple[str, str]:
    """Message and hint for a 404: an unknown model, an unknown id, or a wrong base URL."""
    if _missing_object(reason, code):
        message = tr("Not found (404): {reason}").format(reason=reason or code)
        if code in _MISSING_MODEL_CODES or any(word in reason.lower() for word in ("model", "deployment")):
            return message, tr("Check the model or deployment name: it may not exist yet, or belong to another "
                               "profile.")
        return message, tr("Check the id: it may be mistyped, or belong to another profile, project or account.")
    message = tr("The server has no such address (404 Not Found).")
    if base_url and not base_url.rstrip("/").endswith("/v1"):
        return message, tr("The base URL is probably missing /v1: try {url}.").format(url=base_url.rstrip("/") + "/v1")
    return message, tr("The base URL is probably wrong. Most services expect it to end with /v1.")


def _looks_like_a_page(detail: str) -> bool:
    head = detail.lower()
    return "<html" in head or "<!doctype" in head or "<body" in head


def status_error(status: int, detail: str = "", base_url: str = "", reason: str = "",
                 code: str = "") -> APIStatusError:
    """A user-facing error for an HTTP error status from the API."""
    if status == 401:
        message = tr("The server rejected the API key.")
        hint = tr("Check that the key is complete and belongs to this provider; paste it again in Settings.")
    elif status == 403:
        message = tr("The key may not use this service (403 Forbidden).")
        hint = tr("Your region, organization or project may not have access. Check the organization and "
                   "project fields, or use a gateway that is allowed in your region.")
    elif status == 404:
        message, hint = _not_found(reason, code, base_url)
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
    elif _looks_like_a_page(detail):
        message = tr("The server refused the request ({status}) with a web page instead of an API answer.").format(
            status=status)
        hint = tr("A proxy, firewall or gateway in between may have blocked it, or the base URL points at a web "
                  "site. The page is in the log file.")
    else:
        message = tr("The server refused the request ({status}).").format(status=status)
        hint = tr("See the details in the log; the request may be malformed.")
    return APIStatusError(message, hint, detail, status=status, code=code)


def _retry_after(exc: BaseException) -> float | None:
    try:
        return float(exc.response.headers.get("retry-after"))  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return None


def _error_field(exc: BaseException, name: str, limit: int = 300) -> str:
    """A field of the error body ({"error": {...}} or the body itself, as some providers send it)."""
    body = getattr(exc, "body", None)
    error = body.get("error", body) if isinstance(body, dict) else None
    value = error.get(name) if isinstance(error, dict) else None
    return str(value)[:limit] if isinstance(value, str | int) and value != "" else ""


def _reason(exc: BaseException) -> str:
    return _error_field(exc, "message")


def file_error(exc: OSError) -> CoreError:
    """A file that could not be read or written (full disk, no permission, opened by another program)."""
    reason = exc.strerror or type(exc).__name__
    message = tr("The file {name} could not be read or written ({reason}).").format(
        name=Path(exc.filename).name, reason=reason) if getattr(exc, "filename", None) else \
        tr("A file could not be read or written ({reason}).").format(reason=reason)
    return CoreError(message,
                     tr("Check that the folder exists, that you may write there, that the disk is not full and "
                        "that no other program has the file open."), repr(exc))


def _frames(exc: BaseException) -> list[str]:
    return [frame.f_code.co_filename.replace("\\", "/") for frame, _ in traceback.walk_tb(exc.__traceback__)]


def _through_proxy(causes: list[BaseException]) -> bool:
    """A connection that failed while opening the proxy's connection: the exceptions do not say so, but the
    HTTP library's proxy module is on their path (the target itself is never contacted directly)."""
    import ssl  # start-up speed

    import httpx2

    if not any(isinstance(c, httpx2.ConnectError | httpx2.ConnectTimeout) for c in causes) or any(
            isinstance(c, ssl.SSLError) for c in causes):  # the proxy answered; TLS to the server failed
        return False
    return any(name.endswith(("/http_proxy.py", "/socks_proxy.py")) for c in causes for name in _frames(c))


def _sdk_misread(exc: BaseException) -> bool:
    """The SDK failed on a body it could not read as JSON (a web page where a page of jobs was expected)."""
    frames = _frames(exc)
    return isinstance(exc, AttributeError | TypeError) and bool(frames) and "/openai/" in frames[-1]


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
    import ssl  # start-up speed

    import httpx2
    import openai

    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, openai.APIStatusError) and exc.status_code == 407:
        return ProxyError(tr("The proxy asks for a user name and password (407)."),
                          tr("Write them into the proxy address: http://user:password@host:port."), detail)
    if isinstance(exc, openai.APIStatusError):
        body = "" if exc.body is None else str(exc.body)[:MAX_BODY_IN_DETAIL]
        detail += f"\n{body}" if body and body not in detail else ""  # a web page is kept as the body only
        error = status_error(exc.status_code, detail, base_url, _reason(exc), _error_field(exc, "code", 80))
        error.retry_after, error.param = _retry_after(exc), _error_field(exc, "param", 80)
        return error
    causes = _cause_chain(exc)
    if _through_proxy(causes):
        return ProxyError(tr("The proxy could not be reached."),
                          tr("Check the proxy address and port (Settings, or --proxy) and that the proxy is "
                             "running."), detail)
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException | TimeoutError):
        return TimeoutError_(tr("The server did not answer in time."),
                             tr("Check your internet connection or raise the timeout in Settings."), detail)
    if any(isinstance(c, httpx2.ProxyError) for c in causes):
        return ProxyError(tr("The proxy refused the connection."),
                          tr("Check the proxy address, port, user name and password in Settings."), detail)
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return TLSError(tr("A secure connection could not be established."),
                        tr("The certificate is not trusted, or the server does not speak HTTPS here."), detail)
    if isinstance(exc, openai.APIConnectionError | httpx2.TransportError | OSError):
        return NetworkError(tr("Could not connect to the server."),
                            tr("Check the base URL, your internet connection and the proxy settings."), detail)
    if isinstance(exc, openai.APIResponseValidationError | ValueError) or _sdk_misread(exc):
        return GatewayError(tr("The server's answer was not understood."),
                            tr("The base URL may point at a web page or a gateway that is not "
                                "OpenAI-compatible."), detail)
    return CoreError(tr("Something unexpected went wrong."),
                     tr("Details are in the log file (Help → Open the log folder)."), detail)
