"""Alibaba Bailian / DashScope (dashscope.aliyuncs.com/api/v1): its own REST shape for files, fine-tunes,
logs and deployments, called through the SDK's generic request methods. A fine-tuned model answers only
once deployed (billed while the deployment exists); chat goes to the OpenAI-compatible
``compatible-mode/v1`` address."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from core.client import DOWNLOAD_LIMIT, build_client, response_limit
from core.errors import CoreError, file_error
from core.i18n import tr
from core.models import ModelInfo, in_order, made_by
from core.providers.bailian_payloads import (
    deployment_from_bailian,
    dpo_rows,
    events_from_logs,
    job_from_bailian,
    output,
    points_from_logs,
)
from core.providers.bailian_spec import BAILIAN_MODELS, REGIONS, SPEC, TRAINING_TYPES  # noqa: F401 (their old home)
from core.providers.base import (
    Deployment,
    FileInfo,
    Progress,
    Provider,
    UploadedFile,
    check_size,
)
from core.providers.openai_api import call
from core.providers.payloads import as_dict, integer, text, timestamp
from core.providers.records import Job, JobEvent, JobRequest, MetricPoint

if TYPE_CHECKING:
    import openai

    from core.profile import Profile

LOG_LINES = 1000  # the most the logs call returns at once
MULTIPART = {"Content-Type": "multipart/form-data"}
JOB_NAME_PREFIX = "finetune-studio-"


def chat_url(api_url: str) -> str:
    """…/api/v1 → …/compatible-mode/v1 (the OpenAI-compatible address of the same region)."""
    root = api_url.rstrip("/").removesuffix("/v1").removesuffix("/api")
    return root + "/compatible-mode/v1"


def _prepared(path: Path) -> bytes:
    """The file as Bailian takes it: preference (DPO) rows are turned into its own DPO shape."""
    from core.dataset.io import read_rows  # start-up speed: the file readers load when a file is sent

    data = path.read_bytes()
    if b"preferred_output" not in data:
        return data
    converted = dpo_rows([row.data for row in read_rows(path)[0]])
    return data if converted is None else b"".join(orjson.dumps(row) + b"\n" for row in converted)


class BailianProvider(Provider):
    capabilities = SPEC.capabilities  # the spec is the one source (bailian_spec.py)
    base_model_ids = SPEC.base_models

    def __init__(self, api: openai.AsyncOpenAI, chat_client: openai.AsyncOpenAI) -> None:
        super().__init__(chat_client)
        self.api = api
        self._pages: dict[str, int] = {}  # the last job id of a page → the next page number

    @classmethod
    def connect(cls, profile: Profile, api_key: str, base_url: str) -> Provider:
        provider = cls(build_client(profile, api_key, base_url), build_client(profile, api_key, chat_url(base_url)))
        provider.profile = profile
        return provider

    async def _get(self, path: str, **params: Any) -> dict[str, Any]:
        return output(await call(self.api.get(path, cast_to=object, options={"params": params})))

    async def _post(self, path: str, body: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
        return output(await call(self.api.post(path, body=body, cast_to=object, **options)))

    async def probe(self) -> str:
        found = await self._get("/fine-tunes", page_no=1, page_size=1)
        return tr("The key works: {count} jobs seen.").format(count=integer(found.get("total")) or 0)

    # -- files -----------------------------------------------------------------------------------------
    async def upload(self, path: Path, on_progress: Progress | None = None) -> UploadedFile:
        check_size(path, self.capabilities)
        try:
            data = await asyncio.to_thread(_prepared, path)
        except OSError as exc:
            raise file_error(exc) from exc
        if on_progress:
            on_progress(0, len(data))
        answer = await self._post("/files", {"purpose": "fine-tune", "descriptions": path.name},
                                  files=[("files", (path.name, data))], options={"headers": MULTIPART})
        uploaded = answer.get("uploaded_files")
        failed = answer.get("failed_uploads")
        if not isinstance(uploaded, list) or not uploaded:
            reason = as_dict(failed[0]).get("message") if isinstance(failed, list) and failed else ""
            raise CoreError(tr("The provider did not accept {name}: {reason}").format(
                name=path.name, reason=text(reason) or "?"), tr("Check the file's size and format."), str(answer))
        if on_progress:
            on_progress(len(data), len(data))
        return UploadedFile(text(as_dict(uploaded[0]).get("file_id")), path.name, len(data))

    async def list_files(self) -> list[FileInfo]:
        found = await self._get("/files", page_no=1, page_size=100)
        files = [as_dict(f) for f in found.get("files") or [] if isinstance(f, dict)]
        return sorted((FileInfo(text(f.get("file_id")), text(f.get("name")), integer(f.get("size")) or 0,
                                timestamp(f.get("gmt_create") or f.get("upload_time")) or 0, text(f.get("purpose")))
                       for f in files), key=lambda f: -f.created_at)

    async def delete_file(self, file_id: str) -> None:
        await call(self.api.delete(f"/files/{file_id}", cast_to=object))

    async def file_content(self, file_id: str) -> bytes:
        """Files are downloaded from the address their details give."""
        import httpx2  # start-up speed: loaded with the first request

        url = text((await self._get(f"/files/{file_id}")).get("url"))
        if not url:
            raise CoreError(tr("The provider gives no download address for file {id}.").format(id=file_id), "")
        with response_limit(DOWNLOAD_LIMIT):
            response = await call(self.api.get(url, cast_to=httpx2.Response))
        return response.content

    # -- jobs ------------------------------------------------------------------------------------------
    async def send_job(self, request: JobRequest, client_id: str) -> Job:
        """The job is named after ``client_id`` (Bailian keeps no metadata)."""
        hyper = {k: v for k, v in asdict(request.hyperparameters).items() if v is not None and k != "beta"}
        if "learning_rate_multiplier" in hyper:  # Bailian takes a rate, not a multiplier of its default
            hyper["learning_rate"] = hyper.pop("learning_rate_multiplier") * 1e-5
        training_type = (self.profile.training_type if self.profile else "") or "efficient_sft"
        if request.method == "dpo":
            training_type = "dpo_lora" if training_type == "efficient_sft" else "dpo_full"
        body: dict[str, Any] = {"model": request.model, "training_file_ids": [request.training_file],
                                "hyper_parameters": hyper, "training_type": training_type}
        if request.validation_file:
            body["validation_file_ids"] = [request.validation_file]
        body["job_name"] = JOB_NAME_PREFIX + client_id
        if request.suffix:
            body["finetuned_output_suffix"] = request.suffix
        created = await call(self.api.with_options(max_retries=0).post("/fine-tunes", body=body, cast_to=object))
        return job_from_bailian(output(created))

    async def find_created(self, client_id: str) -> Job | None:
        found = await self._get("/fine-tunes", page_no=1, page_size=20)
        jobs = found.get("jobs") if isinstance(found.get("jobs"), list) else []
        return next((job_from_bailian(j) for j in jobs if as_dict(j).get("job_name") == JOB_NAME_PREFIX + client_id),
                    None)

    async def list_jobs(self, limit: int = 50, after: str | None = None) -> tuple[list[Job], bool]:
        page = self._pages.get(after, 1) if after else 1
        found = await self._get("/fine-tunes", page_no=page, page_size=min(limit, 100))
        raw = found.get("jobs")
        jobs = sorted((job_from_bailian(j) for j in raw[:min(limit, 100)]), key=lambda j: -j.created_at) \
            if isinstance(raw, list) else []
        more = (integer(found.get("total")) or 0) > page * min(limit, 100)
        if jobs:
            self._pages[jobs[-1].id] = page + 1
        return jobs, more

    async def get_job(self, job_id: str) -> Job:
        return job_from_bailian(await self._get(f"/fine-tunes/{job_id}"))

    async def events(self, job_id: str) -> list[JobEvent]:
        """The job's log lines (the last thousand)."""
        found = await self._get(f"/fine-tunes/{job_id}/logs", offset=0, line=LOG_LINES)
        total = integer(found.get("total")) or 0
        if total > LOG_LINES:
            found = await self._get(f"/fine-tunes/{job_id}/logs", offset=total - LOG_LINES, line=LOG_LINES)
        logs = found.get("logs")
        return events_from_logs(job_id, logs[:LOG_LINES] if isinstance(logs, list) else [], max(total - LOG_LINES, 0))

    async def control(self, job_id: str, action: str) -> Job:
        if action != "cancel":
            return await super().control(job_id, action)
        await self._post(f"/fine-tunes/{job_id}/cancel")
        return await self.get_job(job_id)

    async def metrics(self, job: Job, events: Sequence[JobEvent]) -> list[MetricPoint]:
        return points_from_logs(events)

    # -- models and deployments ------------------------------------------------------------------------
    async def list_models(self) -> list[ModelInfo]:
        jobs, _ = await self.list_jobs(limit=100)
        return in_order(made_by(jobs) + [ModelInfo(name, 0, "bailian") for name in BAILIAN_MODELS])

    async def deployments(self) -> list[Deployment]:
        found = await self._get("/deployments", page_no=1, page_size=200)
        raw = found.get("deployments")
        return [deployment_from_bailian(d) for d in raw] if isinstance(raw, list) else []

    async def deploy(self, model_id: str) -> Deployment:
        lora = (self.profile.training_type if self.profile else "efficient_sft") in ("", "efficient_sft")
        body = {"model_name": model_id, "capacity": 1, "plan": "lora" if lora else "mu",
                "name": model_id[:60]}
        return deployment_from_bailian(await self._post("/deployments", body))

    async def chat_model(self, model_id: str) -> str:
        """A fine-tuned model answers under its deployment's name, once the deployment is running."""
        if model_id in BAILIAN_MODELS:
            return model_id
        deployment = await self.deployment(model_id)
        if deployment is None:
            return model_id  # perhaps a deployment's own name, typed by the user
        if not deployment.ready:
            raise CoreError(tr("The deployment of {model} is not ready yet ({status}).").format(
                model=model_id, status=deployment.raw_status or deployment.status),
                tr("Deploying takes a few minutes; try again when the Models tab shows it as ready."))
        return deployment.name

    async def undeploy(self, deployment: Deployment) -> None:
        await call(self.api.delete(f"/deployments/{deployment.name}", cast_to=object))

    async def close(self) -> None:
        await self.api.close()
        await super().close()
