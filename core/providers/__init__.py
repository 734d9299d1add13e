"""Provider adapters: one interface (base.Provider) over every provider; registry.py lists them with their specs.

Importing this package loads nothing else (start-up speed): the registry and the adapters load when first used."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.profile import Profile
    from core.providers.base import Provider
    from core.providers.capabilities import Capabilities


def capabilities_for(profile: Profile) -> Capabilities:
    """What ``profile``'s provider can do, known without connecting."""
    from core.providers.registry import spec_for  # start-up speed: the package itself loads nothing

    return spec_for(profile.kind).capabilities


def provider_for(profile: Profile, api_key: str, base_url: str = "") -> Provider:
    """The adapter for ``profile``; ``base_url`` overrides the profile's (the Sandbox's real port)."""
    from core.providers.registry import spec_for  # start-up speed: the package itself loads nothing

    return spec_for(profile.kind).adapter.connect(profile, api_key, base_url or profile.base_url)
