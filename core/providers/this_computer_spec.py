"""The spec of training on this computer (its adapter: this_computer.py), read at start-up without loading the
adapter (spec.py); its base models are resources/local_models.json's, read when first asked for."""

from __future__ import annotations

from core.i18n import QT_TR_NOOP
from core.profile import THIS_COMPUTER_KIND
from core.providers.capabilities import EXPORT_FORMATS, MIB, Capabilities
from core.providers.spec import ProviderSpec

PLACEHOLDER_URL = "http://127.0.0.1/v1"  # the real port is chosen when the local server starts


def catalogue_ids() -> tuple[str, ...]:
    """The curated models this computer can download and train (the file is read once)."""
    from core.local.catalogue import catalogue  # start-up speed: the file is read when the models are asked for

    return tuple(entry.id for entry in catalogue())


SPEC = ProviderSpec(THIS_COMPUTER_KIND, QT_TR_NOOP("This computer (本机)"), QT_TR_NOOP("This computer"),
                    "core.providers.this_computer:ThisComputerProvider", default_url=PLACEHOLDER_URL,
                    capabilities=Capabilities(max_file_bytes=1024 * MIB, model_name="ft:{base}:local:{suffix}:<id>",
                                              downloads_models=True, billed=False, export_formats=EXPORT_FORMATS),
                    base_model_ids=catalogue_ids,
                    note=QT_TR_NOOP(
                        "Trains an open model (such as Qwen or Llama) on this computer with LoRA: nothing leaves "
                        "the computer, nothing is billed, and the model is yours to export. An NVIDIA GPU or Apple "
                        "Silicon is fast; the processor alone suits only small models."))
