"""Connect to a profile's provider."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.profile import Profile
from core.providers import provider_for

if TYPE_CHECKING:
    from core.profiles import ProfileService
    from core.providers.base import Provider


async def connect(service: ProfileService, profile: Profile | None = None) -> Provider:
    """The provider adapter for ``profile`` (the active one by default), connected."""
    profile = profile or service.settings.active_profile
    base_url, key = await service.endpoint(profile)
    return provider_for(profile, key, base_url)
