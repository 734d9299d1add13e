"""Zhipu BigModel (open.bigmodel.cn/api/paas/v4): files and fine_tuning/jobs on the OpenAI paths, without
checkpoints, pausing, metadata or seed; loss in the events' data; fine-tuned models deleted on their own
path. LoRA fine-tunes of text models answer at once, without a deployment."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core.errors import CoreError
from core.i18n import tr
from core.models import ModelInfo, in_order, made_by
from core.providers.base import Provider
from core.providers.openai_api import STATUSES, OpenAIProvider, call
from core.providers.payloads import as_dict, text
from core.providers.records import BaseModel, Job, JobRequest
from core.providers.zhipu_spec import SPEC, ZHIPU_MODELS, ZHIPU_URL  # noqa: F401 (their old home)


class ZhipuProvider(OpenAIProvider):
    capabilities = SPEC.capabilities  # the spec is the one source (zhipu_spec.py)
    base_model_ids = SPEC.base_models
    statuses = STATUSES | {"create": "queued", "created": "queued", "pending": "queued"}

    async def probe(self) -> str:
        """GET /models is not documented for Zhipu: the cheapest documented read is a one-job listing."""
        return await Provider.probe(self)

    async def base_models(self) -> list[BaseModel]:
        """Its own list and fine-tuned models (OpenAI's adapter reads OpenAI's from /models instead)."""
        return await Provider.base_models(self)

    def create_options(self, request: JobRequest) -> dict[str, Any]:
        hyper = {k: v for k, v in asdict(request.hyperparameters).items() if v is not None and k != "beta"}
        options: dict[str, Any] = {"model": request.model, "training_file": request.training_file}
        if hyper:
            options["hyperparameters"] = hyper
        for key in ("validation_file", "suffix"):
            if getattr(request, key):
                options[key] = getattr(request, key)
        return options

    async def send_job(self, request: JobRequest, client_id: str) -> Job:
        """Zhipu keeps no metadata: the job carries ``client_id`` as its request id instead."""
        return self.job(await call(self.client.with_options(max_retries=0).fine_tuning.jobs.create(
            **self.create_options(request), extra_body={"request_id": client_id})))

    async def find_created(self, client_id: str) -> Job | None:
        page = await call(self.client.fine_tuning.jobs.list(limit=20))
        return next((self.job(j) for j in page.data if as_dict(j).get("request_id") == client_id), None)

    async def list_models(self) -> list[ModelInfo]:
        """Your fine-tuned models (from the jobs that made them, unless /models no longer lists them), then
        the other models."""
        jobs, _ = await self.list_jobs(limit=100)
        try:
            listed: set[str] | None = {text(as_dict(m).get("id")) for m in (await self.client.models.list()).data}
        except Exception:
            listed = None  # not every account may list models; the jobs still name them
        mine = [m for m in made_by(jobs) if listed is None or m.id in listed]
        names = {m.id for m in mine}
        others = sorted((listed or set()) - names) if listed else list(ZHIPU_MODELS)
        return in_order(mine + [ModelInfo(name, 0, "") for name in others])

    async def delete_model(self, model_id: str) -> None:
        answer = as_dict(await call(self.client.delete(f"/fine_tuning/fine_tuned_models/{model_id}",
                                                       cast_to=object)))
        if text(answer.get("delete_status")).lower() not in ("deleting", "deleted", ""):
            raise CoreError(tr("The model could not be deleted."), tr("Try again later."), str(answer))
