"""How growing's cost reads, in the dialog and in the review queue."""

from __future__ import annotations

from core.grow import GrowCost
from core.i18n import tr


def cost_text(cost: GrowCost, billed: bool = True) -> str:
    """``billed`` False: the model runs in the Sandbox or on this computer, so its tokens cost nothing."""
    tokens = tr("{input} tokens in, {output} out").format(input=f"{cost.input_tokens:,}",
                                                         output=f"{cost.output_tokens:,}")
    if not billed:
        price = tr("nothing is billed")
    elif cost.usd is None:
        price = tr("no price known for this model: check your provider's prices")
    else:
        amount = f"${cost.usd:,.2f}" if cost.usd >= 0.01 else "< $0.01"
        price = amount if cost.done else tr("about {amount}").format(amount=amount)
    if cost.done:
        return tr("Spent: {tokens} ({price}).").format(tokens=tokens, price=price)
    return tr("Estimate: {tokens} ({price}).").format(tokens=tokens, price=price)
