"""What a provider can do, known without connecting. Kept apart from base.py (which loads asyncio and the HTTP
client) so that the specs, read at start-up by Settings and the tabs, load without any adapter."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024
EXPORT_FORMATS = ("adapter", "merged", "gguf")  # a trained model as LoRA adapter, merged model folder, GGUF


@dataclass(frozen=True)
class Capabilities:
    """What a provider can do. The GUI hides or disables the rest and says why."""

    supports_dpo: bool = True
    supports_pause: bool = True
    supports_events: bool = True
    supports_checkpoints: bool = True
    supports_delete_model: bool = True
    supports_validation_file: bool = True
    supports_seed: bool = True
    requires_deployment: bool = False  # a fine-tuned model answers only once it is deployed
    can_deploy: bool = False  # ...and the app can create that deployment through the API
    suffix_pattern: str = r"[A-Za-z0-9_-]{1,64}"
    suffix_rule: str = "letters"  # see suffix_rule_text
    max_file_bytes: int = 8 * 1024 * MIB
    file_bom: bool = False  # training files must be UTF-8 with a byte-order mark
    model_name: str = "ft:{base}:<org>:{suffix}:<id>"  # what a fine-tuned model will be called
    downloads_models: bool = False  # base models are downloaded to this computer first (offered_models)
    billed: bool = True  # training costs money (False: only time, on this computer)
    export_formats: tuple[str, ...] = ()  # how a trained model can be saved on this computer (export_model)
