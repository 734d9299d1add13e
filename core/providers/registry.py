"""Every provider the app knows, in the order Settings' Add menu shows them. Each spec lives in a light module of
its own (core/providers/<provider>_spec.py) that names its adapter without loading it, so reading the specs at
start-up costs no adapter; adding a provider adds its spec to SPECS (docs/providers.md)."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from core.providers import (
    azure_spec,
    bailian_spec,
    fireworks_spec,
    openai_spec,
    this_computer_spec,
    together_spec,
    zhipu_spec,
)
from core.providers.spec import ProviderSpec

SPECS: tuple[ProviderSpec, ...] = (openai_spec.OPENAI, azure_spec.SPEC, zhipu_spec.SPEC, bailian_spec.SPEC,
                                   together_spec.SPEC, fireworks_spec.SPEC, openai_spec.COMPATIBLE,
                                   this_computer_spec.SPEC, openai_spec.SANDBOX)
# Any server that speaks the OpenAI shape: a profile of a kind this version does not know, a --base-url without
# --provider.
GENERIC = openai_spec.COMPATIBLE
WELCOME = openai_spec.OPENAI  # the account the first-run guide offers to connect ("Connect my OpenAI account…")
# The kinds as an enum (ProfileKind.OPENAI is "openai"), made from the specs so that a new spec adds its member.
ProfileKind = StrEnum("ProfileKind", [(spec.kind.upper(), spec.kind) for spec in SPECS], module=__name__)


def spec_for(kind: str) -> ProviderSpec:
    """The spec of ``kind``; the generic one for a kind this version does not know."""
    return next((spec for spec in SPECS if spec.kind == kind), GENERIC)


def known_kind(kind: str) -> ProfileKind:
    """``kind`` as a ProfileKind; the generic one for a kind this version does not know (a newer app's)."""
    return ProfileKind(spec_for(kind).kind)


def addable() -> tuple[ProviderSpec, ...]:
    """The providers a user can add a profile for (Settings' Add menu, the CLI's --provider), in menu order."""
    return tuple(spec for spec in SPECS if spec.addable)


def kind_for_sdk_address(url: str) -> ProfileKind:
    """The kind of a profile made from the OpenAI SDK's variables (OPENAI_BASE_URL): OpenAI at its own address or
    none, an OpenAI-compatible gateway anywhere else."""
    own = urlsplit(openai_spec.OPENAI.default_url).hostname
    return known_kind(openai_spec.OPENAI.kind if not url or urlsplit(url).hostname == own else GENERIC.kind)


def dialects() -> tuple[str, ...]:
    """The Sandbox dialects the providers are rehearsed against, each once, in menu order."""
    return tuple(dict.fromkeys(spec.dialect for spec in SPECS))
