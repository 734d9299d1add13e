"""Billed training tokens and cost: tokens × epochs (the API's `auto` epoch rule) × the price table."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from core.paths import resource_path

# The cookbook's rule for `auto` epochs (Chat_finetuning_data_prep): aim for 100..25,000 examples seen in
# total, 3 epochs otherwise; both bounds use integer division.
DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES = 3, 100, 25_000
MIN_EPOCHS, MAX_EPOCHS = 1, 25


def auto_epochs(n_examples: int) -> int:
    n = max(n_examples, 1)
    if n * DEFAULT_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_EPOCHS, MIN_TARGET_EXAMPLES // n)
    if n * DEFAULT_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_EPOCHS, MAX_TARGET_EXAMPLES // n)
    return DEFAULT_EPOCHS


@dataclass(frozen=True)
class PriceTable:
    as_of: str
    currency: str
    per_million: dict[str, float]
    context_tokens: dict[str, int]
    shutdown_dates: dict[str, str] = field(default_factory=dict)  # YYYY-MM-DD

    @staticmethod
    def _lookup(table: dict, model: str) -> object:
        """A model's entry; ft: models use their base model, aliases (gpt-4o-mini) their dated name."""
        base = model.removeprefix("ft:").split(":")[0]
        return table.get(base) or next((v for name, v in table.items() if name.startswith(base + "-")), None)

    def price(self, model: str) -> float | None:
        """Training price per 1M tokens."""
        return self._lookup(self.per_million, model)

    def context(self, model: str) -> int | None:
        """The longest example the model trains on."""
        return self._lookup(self.context_tokens, model)

    def shutdown(self, model: str) -> str | None:
        """The announced shutdown date of the model (and of fine-tunes built on it), if any."""
        return self._lookup(self.shutdown_dates, model)


@functools.cache
def price_table() -> PriceTable:
    data = json.loads(resource_path("pricing.json").read_text(encoding="utf-8"))
    return PriceTable(data["as_of"], data["currency"], dict(data["training_per_million"]),
                      dict(data["training_context_tokens"]), dict(data.get("shutdown_dates", {})))


@dataclass(frozen=True)
class Estimate:
    model: str
    epochs: int
    billed_tokens: int
    usd: float | None  # None when the model is not in the price table
    prices_as_of: str


def estimate(model: str, dataset_tokens: int, n_examples: int, epochs: int | None = None) -> Estimate:
    """What training ``model`` on a dataset of ``dataset_tokens`` tokens would bill."""
    table = price_table()
    epochs = epochs or auto_epochs(n_examples)
    billed = dataset_tokens * epochs
    price = table.price(model)
    usd = round(billed / 1_000_000 * price, 2) if price is not None else None
    return Estimate(model, epochs, billed, usd, table.as_of)
