"""Base models with what resources/pricing.json knows of them: OpenAI's training prices, context lengths and
announced shutdown dates. A model the table does not know gets None for each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.dataset.estimate import price_table
from core.providers.records import BaseModel


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
