"""Azure OpenAI through its v1 API (https://RESOURCE.openai.azure.com/openai/v1): the OpenAI shape, plus
a training type in the job body, UTF-8 files with a byte-order mark, ``BASE.ft-<id>`` model names, and
deployments that only the Azure portal (or the control plane) can create."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from core.errors import ConfigError, CoreError
from core.i18n import QT_TR_NOOP, tr
from core.providers.base import MIB, Capabilities, Provider
from core.providers.openai_api import OPENAI_URL, STATUSES, OpenAIProvider
from core.providers.records import BaseModel, JobRequest
from core.providers.spec import Choice, ProfileField, ProviderSpec, connection_fields, training_type_field

AZURE_MODELS = ("gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14", "gpt-4o-2024-08-06",
                "gpt-4o-mini-2024-07-18")
DEFAULT_TRAINING_TYPE = "GlobalStandard"  # creation may fail without one; Global is offered for every model
DEPLOY_HELP_URL = "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning-deploy"
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


class AzureProvider(OpenAIProvider):
    capabilities = Capabilities(
        supports_delete_model=False, requires_deployment=True, can_deploy=False, file_bom=True,
        suffix_pattern=r"[A-Za-z0-9_-]{1,18}", suffix_rule="azure", max_file_bytes=512 * MIB,
        model_name="{base}.ft-<id>")
    base_model_ids = AZURE_MODELS
    statuses = STATUSES | {"pending": "queued", "notrunning": "queued", "cancelling": "cancelling"}

    def create_options(self, request: JobRequest) -> dict[str, Any]:
        options = super().create_options(request)
        training_type = (self.profile.training_type if self.profile else "") or DEFAULT_TRAINING_TYPE
        options["extra_body"] = {"trainingType": training_type}
        return options

    def deployment_help(self) -> str:
        return tr("In the Azure AI Foundry portal (ai.azure.com): Fine-tuning → select the model → Deploy → enter a "
                  "deployment name → Create. Wait until the deployment shows as succeeded, then enter its name here. "
                  "A deployment is billed by the hour while it exists (Developer deployments are not, and end after "
                  "a day). Steps: {url}").format(url=DEPLOY_HELP_URL)

    async def delete_model(self, model_id: str) -> None:
        raise CoreError(tr("This provider does not offer deleting models through its API."),
                        tr("Delete it in the Azure AI Foundry portal (ai.azure.com): Models → Customized models → "
                           "select it → Delete. Delete its deployments first; a model without deployments costs "
                           "nothing to keep."))

    def parse_name(self, model_id: str) -> tuple[str, str, bool]:
        base, marker, _ = model_id.partition(".ft-")  # BASE.ft-<hex>
        return (base, "", True) if marker else ("", "", False)

    async def base_models(self) -> list[BaseModel]:
        """Its own list and fine-tuned models (OpenAI's adapter reads OpenAI's from /models instead)."""
        return await Provider.base_models(self)


TRAINING_TYPES = (Choice("Standard", QT_TR_NOOP("Standard (training stays in the resource's region)")),
                  Choice("GlobalStandard", QT_TR_NOOP("Global Standard (cheaper; may train in other regions)")),
                  Choice("Developer", QT_TR_NOOP("Developer (cheapest; may be paused and resumed by Azure)")))
RESOURCE = ProfileField("azure_resource", QT_TR_NOOP("Azure &resource"), QT_TR_NOOP("e.g. my-openai-resource"),
                        to_url=resource_url)
SPEC = ProviderSpec("azure", QT_TR_NOOP("Azure OpenAI"), QT_TR_NOOP("Azure OpenAI"), AzureProvider,
                    (RESOURCE, training_type_field(TRAINING_TYPES, DEFAULT_TRAINING_TYPE),
                     *connection_fields(OPENAI_URL)), dialect="azure", add_v1=True)
