"""Provider adapters: one interface (base.Provider) over every provider; registry.py lists them with their specs."""

from __future__ import annotations

from core.profile import Profile
from core.providers.base import Capabilities, Provider
from core.providers.registry import spec_for


def capabilities_for(profile: Profile) -> Capabilities:
    """What ``profile``'s provider can do, known without connecting."""
    return spec_for(profile.kind).capabilities


def provider_for(profile: Profile, api_key: str, base_url: str = "") -> Provider:
    """The adapter for ``profile``; ``base_url`` overrides the profile's (the Sandbox's real port)."""
    return spec_for(profile.kind).adapter.connect(profile, api_key, base_url or profile.base_url)
