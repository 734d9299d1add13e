"""The spec of Azure OpenAI (its adapter: azure.py), read at start-up without loading the adapter (spec.py)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from core.errors import ConfigError
from core.i18n import QT_TR_NOOP, tr
from core.providers.capabilities import MIB, Capabilities
from core.providers.openai_spec import OPENAI_URL
from core.providers.spec import Choice, ProfileField, ProviderSpec, connection_fields, training_type_field

AZURE_MODELS = ("gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14", "gpt-4o-2024-08-06",
                "gpt-4o-mini-2024-07-18")
DEFAULT_TRAINING_TYPE = "GlobalStandard"  # creation may fail without one; Global is offered for every model
_RESOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{1,62}$")


def resource_url(resource: str) -> str:
    """The v1 base URL of an Azure OpenAI resource (``RESOURCE.openai.azure.com/openai/v1``)."""
    resource = resource.strip()
    if resource.startswith(("http://", "https://")):
        host = urlsplit(resource).hostname or ""
        resource = host.split(".")[0]
    if not _RESOURCE.match(resource):
        raise ConfigError(tr("“{name}” is not a valid Azure resource name.").format(name=resource),
                          tr("Use the name shown in the Azure portal, e.g. my-openai-resource."))
    return f"https://{resource}.openai.azure.com/openai/v1"


TRAINING_TYPES = (Choice("Standard", QT_TR_NOOP("Standard (training stays in the resource's region)")),
                  Choice("GlobalStandard", QT_TR_NOOP("Global Standard (cheaper; may train in other regions)")),
                  Choice("Developer", QT_TR_NOOP("Developer (cheapest; may be paused and resumed by Azure)")))
RESOURCE = ProfileField("azure_resource", QT_TR_NOOP("Azure &resource"), QT_TR_NOOP("e.g. my-openai-resource"),
                        to_url=resource_url)
SPEC = ProviderSpec("azure", QT_TR_NOOP("Azure OpenAI"), QT_TR_NOOP("Azure OpenAI"),
                    "core.providers.azure:AzureProvider",
                    (RESOURCE, training_type_field(TRAINING_TYPES, DEFAULT_TRAINING_TYPE),
                     *connection_fields(OPENAI_URL)), dialect="azure", add_v1=True,
                    capabilities=Capabilities(
                        supports_delete_model=False, requires_deployment=True, can_deploy=False, file_bom=True,
                        suffix_pattern=r"[A-Za-z0-9_-]{1,18}", suffix_rule="azure", max_file_bytes=512 * MIB,
                        model_name="{base}.ft-<id>"),
                    base_model_ids=AZURE_MODELS)
