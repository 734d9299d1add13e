"""Provider adapters: one interface (base.Provider) over OpenAI, Azure OpenAI, Zhipu and Bailian."""

from __future__ import annotations

from core.providers.base import Capabilities, Provider
from core.settings import Profile, ProfileKind


def _adapter(kind: ProfileKind) -> type[Provider]:
    from core.providers.azure import AzureProvider
    from core.providers.bailian import BailianProvider
    from core.providers.openai_api import OpenAIProvider
    from core.providers.zhipu import ZhipuProvider

    return {ProfileKind.AZURE: AzureProvider, ProfileKind.ZHIPU: ZhipuProvider,
            ProfileKind.BAILIAN: BailianProvider}.get(kind, OpenAIProvider)


def capabilities_for(profile: Profile) -> Capabilities:
    """What ``profile``'s provider can do, known without connecting."""
    return _adapter(profile.kind).capabilities


def provider_for(profile: Profile, api_key: str, base_url: str = "") -> Provider:
    """The adapter for ``profile``; ``base_url`` overrides the profile's (the Sandbox's real port)."""
    adapter = _adapter(profile.kind)
    return adapter.connect(profile, api_key, base_url or profile.base_url)
