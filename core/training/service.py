"""Connect to a profile's provider, and the models a job can start from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.dataset.estimate import price_table
from core.settings import Profile

if TYPE_CHECKING:
    from core.profiles import ProfileService
    from core.providers.base import Provider


@dataclass(frozen=True)
class BaseModel:
    id: str
    price_per_million: float | None  # training, USD
    context_tokens: int | None
    own: bool = False  # a fine-tuned model of this account (continued training)
    shutdown: str | None = None  # announced shutdown date, YYYY-MM-DD


def known_models(listed: Mapping[str, object] | None = None, names: Iterable[str] | None = None) -> list[BaseModel]:
    """``names`` (by default every model with a known training price) with price, context and shutdown
    date; ``listed`` maps model ids to the provider's own shutdown date, newer than our table's."""
    table, listed = price_table(), listed or {}
    found = []
    for name in sorted(table.per_million) if names is None else names:
        shutdown = listed.get(name) or table.shutdown(name)
        found.append(BaseModel(name, table.price(name), table.context(name), False,
                               str(shutdown) if shutdown else None))
    return found


async def connect(service: ProfileService, profile: Profile | None = None) -> Provider:
    """The provider adapter for ``profile`` (the active one by default), connected."""
    from core.providers import provider_for

    profile = profile or service.settings.active_profile
    base_url, key = await service.endpoint(profile)
    return provider_for(profile, key, base_url)
