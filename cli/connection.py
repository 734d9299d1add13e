"""The connection options every API command takes (--profile, --base-url, --provider, --api-key, --proxy,
--sandbox), the provider session they name, and `connection test`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

from cli.parsing import add_actions
from core.connection import layer_name, run_checks
from core.i18n import tr
from core.profiles import ProfileService
from core.providers import provider_for
from core.providers.base import Provider
from core.providers.registry import GENERIC, addable
from core.settings import SANDBOX_ID, Profile, env_profile, new_profile
from core.terminal import plain
from core.urls import check_proxy_url

DEFAULT_KIND = GENERIC.kind  # a --base-url without --provider speaks the OpenAI shape


def provider_choices() -> list[str]:
    """The kinds a profile or --base-url can be, from the provider registry (the built-in Sandbox aside)."""
    return [spec.kind for spec in addable()]


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", help=tr("profile name or id (default: the active one)"))
    parser.add_argument("--base-url", help=tr("API base URL instead of a profile"))
    parser.add_argument("--provider", choices=provider_choices(), default=DEFAULT_KIND,
                        help=tr("which provider's API the base URL speaks (default: compatible, the OpenAI shape)"))
    parser.add_argument("--api-key", help=tr("API key (default: OPENAI_API_KEY)"))
    parser.add_argument("--proxy", help=tr("HTTP or SOCKS proxy URL"))
    parser.add_argument("--sandbox", action="store_true", help=tr("use the app's offline Sandbox (nothing is billed)"))


def _ad_hoc(service: ProfileService, args: argparse.Namespace, found: tuple[Profile, str] | None
            ) -> tuple[Profile, str, str]:
    """A profile made up from --base-url / --api-key, with the rules of a saved profile of that kind (e.g. /v1
    added for OpenAI, not for gateways)."""
    key = args.api_key or (found[1] if found else "")
    raw = args.base_url or (found[0].base_url if found else "")
    fresh = new_profile(args.provider, "")
    profile = service.validated(replace(fresh, name=f"--base-url {fresh.id}", base_url=raw, proxy=args.proxy or ""))
    return profile, key, profile.base_url


async def endpoint(service: ProfileService, args: argparse.Namespace) -> tuple[Profile, str, str]:
    """(profile, key, base URL) the connection options name. --sandbox is the Sandbox main.py gave the service:
    the app's running one while it is open, else one of this command's own on the same folder."""
    if args.sandbox:
        profile = service.settings.profile(SANDBOX_ID) or service.settings.active_profile
        base_url, key = await service.endpoint(profile)
        return with_proxy(profile, args), key, base_url
    found = env_profile()  # OPENAI_API_KEY / OPENAI_BASE_URL, if set
    if args.base_url or args.api_key:
        return _ad_hoc(service, args, found)
    if found is not None and not args.profile:
        profile, key = found
        return with_proxy(profile, args), key, profile.base_url
    profile = service.find(args.profile) if args.profile else service.settings.active_profile
    base_url, key = await service.endpoint(profile)
    return with_proxy(profile, args), key, base_url


def with_proxy(profile: Profile, args: argparse.Namespace) -> Profile:
    """``profile`` through the --proxy given with it (an ad-hoc --base-url profile has it already)."""
    if args.proxy and not args.base_url and not args.api_key:
        return replace(profile, proxy=check_proxy_url(args.proxy))
    return profile


@contextlib.asynccontextmanager
async def session(service: ProfileService, args: argparse.Namespace) -> AsyncIterator[Provider]:
    """The provider adapter for the connection the options name, closed afterwards."""
    profile, key, base_url = await endpoint(service, args)
    provider = provider_for(profile, key, base_url)
    try:
        yield provider
    finally:
        await provider.close()


Action = Callable[[Provider, argparse.Namespace], Awaitable[int]]
Handler = Callable[[ProfileService, argparse.Namespace], int]


def in_session(action: Action) -> Handler:
    """A command's handler: ``action`` run with the provider the connection options name; its exit code."""
    def handler(service: ProfileService, args: argparse.Namespace) -> int:
        async def run() -> int:
            async with session(service, args) as provider:
                return await action(provider, args)

        return asyncio.run(run())

    return handler


async def print_checks(profile: Profile, key: str, base_url: str, ad_hoc: bool) -> bool:
    """Check each network layer and the key, one line each; True when all work."""
    if ad_hoc:  # no saved profile: its made-up name would mean nothing
        print(tr("Testing {url}").format(url=base_url))
    else:
        print(tr("Testing profile “{name}” ({url})").format(name=plain(profile.name), url=base_url))
    ok = True
    async for result in run_checks(profile, key, base_url):
        mark = "!! " if result.warning else "OK " if result.ok else "ERR"
        print(f"  [{mark}] {layer_name(result.layer)}: {plain(result.message)}")
        if result.hint:
            print("        " + tr("What to do: {hint}").format(hint=plain(result.hint)))
        ok = ok and result.ok
    return ok


def print_verdict(ok: bool) -> int:
    print(tr("Connection works.") if ok else tr("Connection failed."))
    return 0 if ok else 1


def cmd_connection_test(service: ProfileService, args: argparse.Namespace) -> int:
    async def run() -> bool:
        profile, key, base_url = await endpoint(service, args)
        return await print_checks(profile, key, base_url, ad_hoc=bool(args.base_url or args.api_key))

    return print_verdict(asyncio.run(run()))


def add_connection_commands(commands: Any) -> None:
    actions = add_actions(commands, "connection", tr("check a connection profile"))
    test = actions.add_parser("test", help=tr("check each network layer and the API key"))
    add_connection_options(test)
    test.set_defaults(handler=cmd_connection_test)
