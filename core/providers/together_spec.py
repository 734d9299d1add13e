"""The spec of Together AI (its adapter: together.py), read at start-up without loading the adapter (spec.py)."""

from __future__ import annotations

from core.i18n import QT_TR_NOOP
from core.providers.capabilities import MIB, Capabilities
from core.providers.spec import Choice, ProviderSpec, connection_fields, training_type_field

TOGETHER_URL = "https://api.together.ai/v1"  # the SDK's and the OpenAPI document's address (api.together.xyz is older)
# docs.together.ai, fine-tuning "Supported models" (a few of the list; any other model id can be typed)
TOGETHER_MODELS = ("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", "meta-llama/Llama-3.3-70B-Instruct-Reference",
                   "Qwen/Qwen3-8B", "Qwen/Qwen2.5-7B-Instruct")
TRAINING_TYPES = (Choice("lora", QT_TR_NOOP("LoRA (serverless chat for supported models, billed per token)")),
                  Choice("full", QT_TR_NOOP("Full fine-tuning (chat on a dedicated endpoint, billed by the minute)")))
DOWNLOADS = ("adapter", "merged")  # what /finetune/download packs (its `checkpoint` parameter)
SPEC = ProviderSpec("together", QT_TR_NOOP("Together AI"), QT_TR_NOOP("Together"),
                    "core.providers.together:TogetherProvider",
                    (training_type_field(TRAINING_TYPES, TRAINING_TYPES[0].value), *connection_fields(TOGETHER_URL)),
                    dialect="together", default_url=TOGETHER_URL,
                    capabilities=Capabilities(
                        supports_pause=False, suffix_pattern=r"[A-Za-z0-9_-]{1,40}", suffix_rule="short",
                        max_file_bytes=5 * 1024 * MIB, model_name="<user>/{base}-{suffix}-<id>",
                        export_formats=DOWNLOADS),
                    base_model_ids=TOGETHER_MODELS)
