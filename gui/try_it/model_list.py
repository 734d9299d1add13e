"""The models Try it offers: your fine-tuned models first, then the checkpoints of the newest ones (to
compare steps of one run), then every other model; each of yours with a tooltip saying where it came from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from core.i18n import tr
from core.models import ModelInfo
from core.providers.base import Provider
from gui.widgets.plain_text import tooltip

NEWEST_WITH_CHECKPOINTS = 5


async def models_to_try(provider: Provider) -> tuple[list[ModelInfo], list[str]]:
    """(every listed model, the names in the order to offer them)."""
    models = await provider.list_models()
    mine = [m for m in models if m.fine_tuned]
    checkpoints: list[str] = []
    if provider.capabilities.supports_checkpoints:
        for model in mine[:NEWEST_WITH_CHECKPOINTS]:
            if model.job_id:
                checkpoints += [c.model for c in await provider.checkpoints(model.job_id) if c.model != model.id]
    return models, [m.id for m in mine] + checkpoints + [m.id for m in models if not m.fine_tuned]


def fill(combo: QComboBox, names: list[str], known: dict[str, ModelInfo]) -> None:
    """Offer ``names`` in ``combo`` without losing what it shows and without signalling a change."""
    text = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(names)
    for index, name in enumerate(names):
        info = known.get(name)
        tip = tr("from {base} · job {job}").format(base=info.base, job=info.job_id or "?") \
            if info is not None and info.fine_tuned else ""
        combo.setItemData(index, tooltip(tip), Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentText(text)
    combo.blockSignals(False)
