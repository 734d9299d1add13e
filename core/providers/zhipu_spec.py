"""The spec of Zhipu BigModel (its adapter: zhipu.py), read at start-up without loading the adapter (spec.py)."""

from __future__ import annotations

from core.i18n import QT_TR_NOOP
from core.providers.capabilities import MIB, Capabilities
from core.providers.spec import ProviderSpec, connection_fields

ZHIPU_URL = "https://open.bigmodel.cn/api/paas/v4"
ZHIPU_MODELS = ("glm-4-flash", "glm-4-9b", "glm-4-air-250414", "chatglm3-6b", "glm-4.5-air")
SPEC = ProviderSpec("zhipu", QT_TR_NOOP("Zhipu BigModel (智谱)"), QT_TR_NOOP("Zhipu"),
                    "core.providers.zhipu:ZhipuProvider",
                    connection_fields(ZHIPU_URL), dialect="zhipu", default_url=ZHIPU_URL,
                    capabilities=Capabilities(
                        supports_dpo=False, supports_pause=False, supports_checkpoints=False, supports_seed=False,
                        suffix_pattern=r"[A-Za-z0-9_-]{1,40}", suffix_rule="short", max_file_bytes=100 * MIB,
                        model_name="{base}-<id>-{suffix}"),
                    base_model_ids=ZHIPU_MODELS)
