"""The spec of Fireworks AI (its adapter: fireworks.py), read at start-up without loading the adapter (spec.py)."""

from __future__ import annotations

from core.i18n import QT_TR_NOOP
from core.providers.capabilities import MIB, Capabilities
from core.providers.spec import ProfileField, ProviderSpec, connection_fields

FIREWORKS_URL = "https://api.fireworks.ai/v1"
FIREWORKS_MODELS = ("accounts/fireworks/models/llama-v3p1-8b-instruct",
                    "accounts/fireworks/models/llama-v3p3-70b-instruct", "accounts/fireworks/models/qwen3-8b",
                    "accounts/fireworks/models/qwen2p5-7b-instruct")
ACCOUNT = ProfileField("organization", QT_TR_NOOP("&Account ID"),
                       QT_TR_NOOP("optional: found from the key when left empty"))
SPEC = ProviderSpec("fireworks", QT_TR_NOOP("Fireworks AI"), QT_TR_NOOP("Fireworks"),
                    "core.providers.fireworks:FireworksProvider",
                    (ACCOUNT, *connection_fields(FIREWORKS_URL)), dialect="fireworks", default_url=FIREWORKS_URL,
                    capabilities=Capabilities(
                        supports_dpo=False, supports_pause=False, supports_checkpoints=False, supports_seed=False,
                        requires_deployment=True, can_deploy=True, suffix_pattern=r"[A-Za-z0-9_-]{1,40}",
                        suffix_rule="short", max_file_bytes=150 * MIB,
                        model_name="accounts/<account>/models/{suffix}-<id>"),
                    base_model_ids=FIREWORKS_MODELS)
