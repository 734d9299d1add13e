"""The specs of OpenAI, of any OpenAI-compatible gateway and of the built-in Sandbox (their adapter: openai_api.py).
Read at start-up without loading the adapter (spec.py says why)."""

from __future__ import annotations

from core.i18n import QT_TR_NOOP
from core.profile import SANDBOX_KIND
from core.providers.capabilities import Capabilities
from core.providers.spec import ProfileField, ProviderSpec, connection_fields

OPENAI_URL = "https://api.openai.com/v1"
SANDBOX_PLACEHOLDER_URL = "http://127.0.0.1/v1"  # the real port is chosen when the Sandbox starts
ADAPTER = "core.providers.openai_api:OpenAIProvider"
CAPABILITIES = Capabilities()  # every one of the three: the adapter's own

ORGANIZATION = ProfileField("organization", QT_TR_NOOP("&Organization"), QT_TR_NOOP("optional"))
PROJECT = ProfileField("project", QT_TR_NOOP("Pro&ject"), QT_TR_NOOP("optional"))
OPENAI_FIELDS = (*connection_fields(OPENAI_URL), ORGANIZATION, PROJECT)
OPENAI = ProviderSpec("openai", QT_TR_NOOP("OpenAI"), QT_TR_NOOP("OpenAI"), ADAPTER, OPENAI_FIELDS,
                      default_url=OPENAI_URL, add_v1=True, closing=True, capabilities=CAPABILITIES)
COMPATIBLE = ProviderSpec("compatible", QT_TR_NOOP("OpenAI-compatible gateway or relay"), QT_TR_NOOP("Gateway"),
                          ADAPTER, OPENAI_FIELDS, capabilities=CAPABILITIES)
SANDBOX = ProviderSpec(SANDBOX_KIND, QT_TR_NOOP("Sandbox (offline practice server)"), QT_TR_NOOP("Sandbox"),
                       ADAPTER, default_url=SANDBOX_PLACEHOLDER_URL, addable=False, closing=True,
                       capabilities=CAPABILITIES,
                       note=QT_TR_NOOP(
                           "The Sandbox runs on this computer. It imitates the fine-tuning service so you can rehearse "
                           "every step for free: no real model is trained and nothing is billed. Add a profile with "
                           "your own key when you are ready."))
