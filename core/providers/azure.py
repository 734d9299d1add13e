"""Azure OpenAI through its v1 API (https://RESOURCE.openai.azure.com/openai/v1): the OpenAI shape, plus
a training type in the job body, UTF-8 files with a byte-order mark, ``BASE.ft-<id>`` model names, and
deployments that only the Azure portal (or the control plane) can create."""

from __future__ import annotations

from typing import Any

from core.errors import CoreError
from core.i18n import tr
from core.providers.azure_spec import AZURE_MODELS, DEFAULT_TRAINING_TYPE, SPEC, resource_url  # noqa: F401
from core.providers.base import Provider
from core.providers.openai_api import STATUSES, OpenAIProvider
from core.providers.records import BaseModel, JobRequest

DEPLOY_HELP_URL = "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning-deploy"


class AzureProvider(OpenAIProvider):
    capabilities = SPEC.capabilities  # the spec is the one source (azure_spec.py)
    base_model_ids = SPEC.base_models
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
