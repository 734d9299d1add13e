"""The spec of Alibaba Cloud Bailian (its adapter: bailian.py), read at start-up without loading the adapter
(spec.py)."""

from __future__ import annotations

from core.i18n import QT_TR_NOOP
from core.providers.capabilities import MIB, Capabilities
from core.providers.spec import Choice, ProfileField, ProviderSpec, connection_fields, training_type_field

REGIONS = (Choice("cn-beijing", QT_TR_NOOP("China (Beijing)"), "https://dashscope.aliyuncs.com/api/v1"),
           Choice("ap-southeast-1", QT_TR_NOOP("International (Singapore)"), "https://dashscope-intl.aliyuncs.com/api/v1"))
TRAINING_TYPES = (Choice("efficient_sft", QT_TR_NOOP("LoRA (efficient; pay-per-token deployment)")),
                  Choice("sft", QT_TR_NOOP("Full fine-tuning (deployment billed by the hour)")))
BAILIAN_MODELS = ("qwen3-8b", "qwen3-14b", "qwen3-32b", "qwen2.5-7b-instruct", "qwen2.5-14b-instruct",
                  "qwen2.5-72b-instruct", "qwen-turbo-0624", "qwen-plus-0723")
SPEC = ProviderSpec("bailian", QT_TR_NOOP("Alibaba Cloud Bailian (百炼)"), QT_TR_NOOP("Bailian"),
                    "core.providers.bailian:BailianProvider",
                    (ProfileField("region", QT_TR_NOOP("Re&gion"), choices=REGIONS, default=REGIONS[0].value),
                     training_type_field(TRAINING_TYPES, TRAINING_TYPES[0].value), *connection_fields(REGIONS[0].url)),
                    dialect="bailian", default_url=REGIONS[0].url,
                    capabilities=Capabilities(
                        supports_pause=False, supports_checkpoints=False, supports_delete_model=False,
                        supports_seed=False, requires_deployment=True, can_deploy=True,
                        suffix_pattern=r"[A-Za-z0-9_-]{1,40}", suffix_rule="short", max_file_bytes=300 * MIB,
                        model_name="{base}-{suffix}-ft-<id>"),
                    base_model_ids=BAILIAN_MODELS)
