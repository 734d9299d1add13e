""""Test connection": check each layer in turn and say which one failed, and what to do.

URL -> DNS -> TCP -> TLS -> (proxy) -> HTTP/API. Each layer yields a LayerResult as soon as it is
known, so the GUI can show progress; the first failure ends the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import urlsplit

from core.errors import CoreError, ProxyError, TLSError
from core.i18n import tr
from core.providers import provider_for
from core.providers.base import Access, TrainingAccess
from core.settings import Profile
from core.urls import check_proxy_url

NETWORK_TIMEOUT = 10.0


class Layer(StrEnum):
    URL = "url"
    DNS = "dns"
    TCP = "tcp"
    TLS = "tls"
    PROXY = "proxy"
    API = "api"
    TRAINING = "training"  # may this account still create fine-tuning jobs (providers that close it)


@dataclass(frozen=True)
class LayerResult:
    layer: Layer
    ok: bool
    message: str
    hint: str = ""
    detail: str = ""
    seconds: float = 0.0
    warning: bool = False  # the connection works, but something the user should know (e.g. training closed)


@dataclass(frozen=True)
class ConnectionReport:
    results: tuple[LayerResult, ...]

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results)

    @property
    def failed(self) -> LayerResult | None:
        return next((r for r in self.results if not r.ok), None)



def layer_name(layer: Layer) -> str:
    names = {
        Layer.URL: tr("Address"), Layer.DNS: tr("Name lookup (DNS)"), Layer.TCP: tr("Connection (TCP)"),
        Layer.TLS: tr("Secure connection (TLS)"), Layer.PROXY: tr("Proxy"), Layer.API: tr("API and key"),
        Layer.TRAINING: tr("Fine-tuning jobs"),
    }
    return names[layer]


def _failure(layer: Layer, error: CoreError, started: float) -> LayerResult:
    return LayerResult(layer, False, error.user_message, error.hint, error.detail, time.monotonic() - started)


async def _dns(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.getaddrinfo(host, port), NETWORK_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise CoreError(tr("The name {host} could not be found.").format(host=host),
                        tr("Check the spelling of the address and your internet connection. If you need "
                            "a proxy to reach the internet, set it in the profile."), repr(exc)) from exc


async def _tcp(host: str, port: int) -> None:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), NETWORK_TIMEOUT)
    except TimeoutError as exc:
        raise CoreError(tr("{host}:{port} did not answer.").format(host=host, port=port),
                        tr("A firewall may block it, or the service is down. Try a proxy."), repr(exc)) from exc
    except OSError as exc:
        raise CoreError(tr("Nothing accepts connections at {host}:{port}.").format(host=host, port=port),
                        tr("Check the port and that the server or proxy is running."), repr(exc)) from exc
    writer.close()
    await writer.wait_closed()


async def _tls(host: str, port: int) -> None:
    context = ssl.create_default_context()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context, server_hostname=host), NETWORK_TIMEOUT)
    except ssl.SSLCertVerificationError as exc:
        raise TLSError(tr("The server's certificate is not trusted ({reason}).").format(
                           reason=exc.verify_message or exc.reason),
                       tr("The address may be wrong, or a network filter intercepts the connection. "
                           "Do not enter your key until this is solved."), repr(exc)) from exc
    except (OSError, TimeoutError) as exc:
        raise TLSError(tr("A secure connection could not be established."),
                       tr("The server may not speak HTTPS on this port: check http:// versus https://."),
                       repr(exc)) from exc
    writer.close()
    with contextlib.suppress(OSError):  # some servers reset TLS connections on close
        await writer.wait_closed()


async def _api(profile: Profile, api_key: str, base_url: str) -> tuple[str, TrainingAccess | None]:
    """The provider's cheapest read call, then whether it still lets this account create jobs (None where
    that cannot close); a success message or a CoreError."""
    provider = provider_for(replace(profile, timeout=min(profile.timeout, 30.0)), api_key, base_url)
    try:
        message = await provider.probe()
        try:
            access = await provider.training_access()
        except CoreError as error:
            access = TrainingAccess(Access.UNKNOWN, error.detail or error.user_message)
        return message, access
    finally:
        await provider.close()


def access_result(access: TrainingAccess) -> LayerResult:
    """The fine-tuning layer: closed is a warning with the way out (the connection itself works); unknown
    passes, saying it could not tell."""
    if access.access == Access.CLOSED:
        return LayerResult(Layer.TRAINING, True, tr("This account can no longer create fine-tuning jobs."),
                           tr("Models already trained keep answering until their shutdown date. To train again, "
                              "export your jobs and files and add a profile for another provider in Settings."),
                           access.detail, warning=True)
    if access.access == Access.NEEDS_SETUP:
        return LayerResult(Layer.TRAINING, True, tr("Training on this computer needs an optional part that is not "
                                                    "installed."), access.detail, warning=True)
    if access.access == Access.OPEN:
        return LayerResult(Layer.TRAINING, True, tr("This account can create fine-tuning jobs."), detail=access.detail)
    return LayerResult(Layer.TRAINING, True, tr("Could not tell whether this account can still create fine-tuning "
                                                "jobs: the server's answer was not one we know."),
                       tr("Starting a job will show the provider's own answer."), access.detail)


async def run_checks(profile: Profile, api_key: str, base_url: str = "") -> AsyncIterator[LayerResult]:
    """Yield one result per layer; stops after the first failure."""
    base_url = base_url or profile.base_url
    started = time.monotonic()
    parts = urlsplit(base_url)
    try:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CoreError(tr("“{url}” is not a valid base URL.").format(url=base_url),
                            tr("A base URL looks like https://api.openai.com/v1."))
        proxy = check_proxy_url(profile.proxy)
    except CoreError as error:
        yield _failure(Layer.URL, error, started)
        return
    yield LayerResult(Layer.URL, True, tr("The address is well formed."), seconds=time.monotonic() - started)

    # Through a proxy only the proxy is reached directly; it resolves and connects to the server itself.
    target = urlsplit(proxy) if proxy else parts
    host = target.hostname or ""
    port = target.port or (443 if target.scheme == "https" else 80)
    steps = [(Layer.DNS, _dns, tr("{host} was found.")), (Layer.TCP, _tcp, tr("{host}:{port} accepts connections."))]
    if not proxy and parts.scheme == "https":
        steps.append((Layer.TLS, _tls, tr("The certificate of {host} is valid.")))
    for layer, check, ok_text in steps:
        started = time.monotonic()
        try:
            await check(host, port)
        except CoreError as error:
            yield _failure(layer, error, started)
            return
        yield LayerResult(layer, True, ok_text.format(host=host, port=port), seconds=time.monotonic() - started)

    started = time.monotonic()
    try:
        message, access = await _api(profile, api_key, base_url)
    except CoreError as error:
        layer = Layer.PROXY if isinstance(error, ProxyError) else Layer.TLS if isinstance(error, TLSError) \
            else Layer.API
        yield _failure(layer, error, started)
        return
    if proxy:
        yield LayerResult(Layer.PROXY, True, tr("The proxy forwards requests."))
    yield LayerResult(Layer.API, True, message, seconds=time.monotonic() - started)
    if access is not None:
        yield access_result(access)


async def check_connection(profile: Profile, api_key: str, base_url: str = "") -> ConnectionReport:
    """Run every check and collect the results."""
    return ConnectionReport(tuple([r async for r in run_checks(profile, api_key, base_url)]))

