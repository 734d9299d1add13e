"""Fireworks AI (api.fireworks.ai/v1/accounts/{account}): datasets, supervised fine-tuning jobs, the account's
models and deployments, called through the OpenAI SDK's generic request methods with the paths and camelCase fields
of the official `fireworks-ai` SDK; chat through the OpenAI SDK at ``/inference/v1``.

A fine-tuned LoRA answers only on a dedicated deployment (Fireworks: "serverless deployment is not supported for
LoRA models"), billed per GPU-second while it exists: the app creates a "live merge" deployment of the model after a
confirmation, and removes it on request (docs/providers.md, "Fireworks AI")."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.client import DOWNLOAD_LIMIT, build_client, response_limit
from core.errors import APIStatusError, ConfigError, CoreError, file_error
from core.i18n import tr
from core.models import ModelInfo, in_order
from core.providers.base import (
    Deployment,
    FileInfo,
    Progress,
    Provider,
    UploadedFile,
    check_size,
    our_status,
)
from core.providers.fireworks_spec import ACCOUNT, FIREWORKS_MODELS, FIREWORKS_URL, SPEC  # noqa: F401 (their old home)
from core.providers.openai_api import call
from core.providers.payloads import as_dict, integer, number, text, timestamp
from core.providers.records import Hyperparameters, Job, JobEvent, JobRequest, MetricPoint

if TYPE_CHECKING:
    import openai

    from core.profile import Profile

STATES = {"job_state_creating": "queued", "job_state_pending": "queued", "job_state_re_queueing": "queued",
          "job_state_idle": "queued", "job_state_creating_input_dataset": "validating_files",
          "job_state_validating": "validating_files", "job_state_running": "running",
          "job_state_writing_results": "running", "job_state_completed": "succeeded",
          "job_state_early_stopped": "succeeded", "job_state_failed": "failed", "job_state_expired": "failed",
          "job_state_cancelling": "cancelling", "job_state_cancelled": "cancelled", "job_state_paused": "paused",
          "job_state_deleting": "cancelled", "job_state_deleting_cleaning_up": "cancelled"}
DEPLOYMENT_STATES = {"ready": "ready", "creating": "deploying", "updating": "deploying", "failed": "failed",
                     "deleting": "deleting", "deleted": "deleting"}
MULTIPART = {"Content-Type": "multipart/form-data"}
DEFAULT_RATE = 1e-4  # Fireworks' default learning rate for LoRA jobs: our multiplier 1.0
PAGE = 200  # the most a listing returns at once


def short(value: str) -> str:
    """The id at the end of a resource name ("accounts/a/models/m" → "m")."""
    return value.rsplit("/", 1)[-1]


def resource_id(value: str, limit: int = 40) -> str:
    """``value`` as Fireworks takes ids: lower-case letters, digits and "-"."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", value.lower())).strip("-")[:limit] or "data"


def job_from_fireworks(value: Any) -> Job:
    data = as_dict(value)
    status = our_status(data.get("state"), STATES)
    problem = as_dict(data.get("status"))
    message = text(problem.get("message")) if text(problem.get("code")) not in ("", "OK") else ""
    rate = number(data.get("learningRate"))
    return Job(
        id=short(text(data.get("name"))), model=text(data.get("baseModel") or data.get("warmStartFrom")),
        status=status, created_at=timestamp(data.get("createTime")) or 0,
        fine_tuned_model=text(data.get("outputModel")) or None if status == "succeeded" else None,
        finished_at=timestamp(data.get("completedTime")), training_file=short(text(data.get("dataset"))),
        validation_file=short(text(data.get("evaluationDataset"))) or None,
        error_code=text(problem.get("code")) or None if message else None, error_message=message or None,
        raw_status=text(data.get("state")), metadata={"display_name": text(data.get("displayName"))},
        hyperparameters=Hyperparameters(integer(data.get("epochs")), None, rate / DEFAULT_RATE if rate else None))


def file_from_fireworks(value: Any) -> FileInfo | None:
    """A dataset as a file, or None while it has no file yet (a new dataset is ``UPLOADING`` until its upload is
    validated: tests/data/recorded/fireworks/create_dataset.json). Datasets report no size in bytes."""
    data = as_dict(value)
    if data.get("state") not in (None, "READY"):
        return None
    return FileInfo(short(text(data.get("name"))), text(data.get("displayName")), 0,
                    timestamp(data.get("createTime")) or 0, "fine-tune")


def event_from_fireworks(job: Job, value: Any) -> JobEvent:
    """Fireworks has no event list for these jobs: each state and progress seen becomes one event."""
    data = as_dict(value)
    progress = as_dict(data.get("jobProgress"))
    percent = integer(progress.get("percent"))
    words = [job.raw_status.removeprefix("JOB_STATE_").replace("_", " ").lower() or job.status]
    if percent is not None:
        words.append(f"{percent} %")
    if job.error_message:
        words.append(job.error_message)
    return JobEvent(f"{job.id}:{job.raw_status}:{percent}", timestamp(data.get("updateTime")) or job.created_at,
                    "error" if job.status == "failed" else "info", " · ".join(words), "status",
                    {"percent": percent} if percent is not None else {})


def deployment_from_fireworks(value: Any) -> Deployment:
    data = as_dict(value)
    state = text(data.get("state"))
    return Deployment(text(data.get("name")), text(data.get("baseModel")),
                      our_status(state, DEPLOYMENT_STATES) if state else "unknown", state)


def chat_url(api_url: str) -> str:
    """…/v1 → …/inference/v1 (the OpenAI-compatible address of the same host)."""
    return api_url.rstrip("/").removesuffix("/v1") + "/inference/v1"


def no_auth() -> dict[str, object]:
    """Headers for a signed storage address, which must not get the API key."""
    from openai import Omit  # start-up speed: the SDK loads with the first request

    return {"Authorization": Omit()}


class FireworksProvider(Provider):
    capabilities = SPEC.capabilities  # the spec is the one source (fireworks_spec.py)
    base_model_ids = SPEC.base_models

    def __init__(self, api: openai.AsyncOpenAI, chat_client: openai.AsyncOpenAI, account: str = "") -> None:
        super().__init__(chat_client)
        self.api, self._account = api, account.strip()
        self._pages: dict[str, str] = {}  # the last job id of a page → the next page's token

    @classmethod
    def connect(cls, profile: Profile, api_key: str, base_url: str) -> Provider:
        provider = cls(build_client(profile, api_key, base_url), build_client(profile, api_key, chat_url(base_url)),
                       profile.organization)
        provider.profile = profile
        return provider

    async def account(self) -> str:
        """The profile's account id, or else the first account the key reaches (GET /accounts)."""
        if not self._account:
            found = as_dict(await call(self.api.get("/accounts", cast_to=object, options={"params": {"pageSize": 1}})))
            accounts = found.get("accounts") if isinstance(found.get("accounts"), list) else []
            self._account = short(text(as_dict(accounts[0]).get("name"))) if accounts else ""
            if not self._account:
                raise ConfigError(tr("The key reaches no Fireworks account."),
                                  tr("Enter your account id (shown in Fireworks' console) in the profile."))
        return self._account

    async def _path(self, tail: str) -> str:
        return f"/accounts/{await self.account()}/{tail}"

    async def _get(self, tail: str, **params: Any) -> dict[str, Any]:
        return as_dict(await call(self.api.get(await self._path(tail), cast_to=object, options={"params": params})))

    async def _post(self, tail: str, body: dict[str, Any], **options: Any) -> dict[str, Any]:
        return as_dict(await call(self.api.post(await self._path(tail), body=body, cast_to=object, **options)))

    async def _delete(self, tail: str) -> None:
        await call(self.api.delete(await self._path(tail), cast_to=object))

    async def probe(self) -> str:
        found = await self._get("supervisedFineTuningJobs", pageSize=1)
        return tr("The key works: {count} jobs seen.").format(count=integer(found.get("totalSize")) or 0)

    # -- files (datasets) ------------------------------------------------------------------------------
    async def upload(self, path: Path, on_progress: Progress | None = None) -> UploadedFile:
        """A dataset named after the file, then its file in one request (``:upload``, up to 150 MB)."""
        check_size(path, self.capabilities)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            raise file_error(exc) from exc
        if on_progress:
            on_progress(0, len(data))
        dataset_id = f"{resource_id(path.stem)}-{secrets.token_hex(4)}"
        examples = sum(1 for line in data.splitlines() if line.strip())
        await self._post("datasets", {"datasetId": dataset_id, "dataset": {
            "displayName": path.name[:200], "exampleCount": str(examples), "userUploaded": {}}})
        await self._post(f"datasets/{dataset_id}:upload", {}, files=[("file", (path.name, data))],
                         options={"headers": MULTIPART})
        if on_progress:
            on_progress(len(data), len(data))
        return UploadedFile(dataset_id, path.name, len(data))

    async def list_files(self) -> list[FileInfo]:
        found = await self._get("datasets", pageSize=PAGE)
        datasets = [file_from_fireworks(d) for d in found.get("datasets") or [] if isinstance(d, dict)]
        return sorted((f for f in datasets if f is not None), key=lambda f: -f.created_at)

    async def delete_file(self, file_id: str) -> None:
        await self._delete(f"datasets/{file_id}")

    async def file_content(self, file_id: str) -> bytes:
        """The dataset's file from the signed address its download endpoint gives."""
        found = await self._get(f"datasets/{file_id}:getDownloadEndpoint")
        urls = [text(u) for u in as_dict(found.get("filenameToSignedUrls")).values() if text(u)]
        if not urls:
            raise CoreError(tr("The provider gives no download address for file {id}.").format(id=file_id), "")
        import httpx2  # start-up speed

        with response_limit(DOWNLOAD_LIMIT):
            response = await call(self.api.get(urls[0], cast_to=httpx2.Response, options={"headers": no_auth()}))
        return response.content

    # -- jobs ------------------------------------------------------------------------------------------
    async def send_job(self, request: JobRequest, client_id: str) -> Job:
        """The client names the job (``supervisedFineTuningJobId``), so a lost answer is found again by that name;
        the model is named after the suffix."""
        job_id = f"fs-{client_id[:24]}"
        body: dict[str, Any] = {"dataset": await self._path(f"datasets/{request.training_file}"),
                                "baseModel": request.model, "displayName": request.suffix or job_id}
        if request.suffix:
            body["outputModel"] = f"{resource_id(request.suffix, 30)}-{client_id[:8]}"
        if request.validation_file:
            body["evaluationDataset"] = await self._path(f"datasets/{request.validation_file}")
        if request.hyperparameters.n_epochs is not None:
            body["epochs"] = request.hyperparameters.n_epochs
        if request.hyperparameters.learning_rate_multiplier is not None:
            body["learningRate"] = request.hyperparameters.learning_rate_multiplier * DEFAULT_RATE
        created = await call(self.api.with_options(max_retries=0).post(
            await self._path("supervisedFineTuningJobs"), body=body, cast_to=object,
            options={"params": {"supervisedFineTuningJobId": job_id}}))
        return job_from_fireworks(created)

    async def find_created(self, client_id: str) -> Job | None:
        try:
            return await self.get_job(f"fs-{client_id[:24]}")
        except APIStatusError as error:
            if error.status == 404:
                return None
            raise

    async def list_jobs(self, limit: int = 50, after: str | None = None) -> tuple[list[Job], bool]:
        params: dict[str, Any] = {"pageSize": min(max(limit, 1), PAGE)}
        if after and after in self._pages:
            params["pageToken"] = self._pages[after]
        found = await self._get("supervisedFineTuningJobs", **params)
        raw = found.get("supervisedFineTuningJobs")
        jobs = sorted((job_from_fireworks(j) for j in raw[:PAGE]), key=lambda j: -j.created_at) \
            if isinstance(raw, list) else []
        token = text(found.get("nextPageToken"))
        if jobs and token:
            self._pages[jobs[-1].id] = token
        return jobs, bool(token)

    async def get_job(self, job_id: str) -> Job:
        return job_from_fireworks(await self._get(f"supervisedFineTuningJobs/{job_id}"))

    async def events(self, job_id: str) -> list[JobEvent]:
        found = await self._get(f"supervisedFineTuningJobs/{job_id}")
        return [event_from_fireworks(job_from_fireworks(found), found)]

    async def control(self, job_id: str, action: str) -> Job:
        if action != "cancel":
            return await super().control(job_id, action)
        await self._post(f"supervisedFineTuningJobs/{job_id}:cancel", {})
        return await self.get_job(job_id)

    async def metrics(self, job: Job, events: Sequence[JobEvent]) -> list[MetricPoint]:
        """The REST API gives no loss curve for these jobs (Fireworks' console and W&B show it)."""
        return []

    # -- models and deployments ------------------------------------------------------------------------
    async def list_models(self) -> list[ModelInfo]:
        found = await self._get("models", pageSize=PAGE)
        raw = [as_dict(m) for m in found.get("models") or [] if isinstance(m, dict)]
        mine = [ModelInfo(text(m.get("name")), timestamp(m.get("createTime")) or 0, await self.account(),
                          text(as_dict(m.get("peftDetails")).get("baseModel")), "",
                          short(text(m.get("fineTuningJob"))), fine_tuned=True) for m in raw]
        return in_order(mine + [ModelInfo(name, 0, "fireworks") for name in FIREWORKS_MODELS])

    async def delete_model(self, model_id: str) -> None:
        await self._delete(f"models/{short(model_id)}")

    async def deployments(self) -> list[Deployment]:
        found = await self._get("deployments", pageSize=PAGE)
        raw = found.get("deployments")
        return [deployment_from_fireworks(d) for d in raw[:PAGE]] if isinstance(raw, list) else []

    async def deploy(self, model_id: str) -> Deployment:
        """A live-merge deployment of the LoRA (one replica, scaling to none when idle)."""
        deployment_id = f"{resource_id(short(model_id), 50)}-{secrets.token_hex(3)}"
        body = {"baseModel": model_id, "displayName": short(model_id)[:60], "minReplicaCount": 0,
                "maxReplicaCount": 1}
        return deployment_from_fireworks(await self._post("deployments", body,
                                                          options={"params": {"deploymentId": deployment_id}}))

    async def chat_model(self, model_id: str) -> str:
        """A fine-tuned model answers as MODEL#DEPLOYMENT once its deployment is ready; base models as they are."""
        if model_id in FIREWORKS_MODELS or "#" in model_id:
            return model_id
        deployment = await self.deployment(model_id)
        if deployment is None:
            return model_id  # the server says it is not deployed
        if not deployment.ready:
            raise CoreError(tr("The deployment of {model} is not ready yet ({status}).").format(
                model=model_id, status=deployment.raw_status or deployment.status),
                tr("Deploying takes a few minutes; try again when the Models tab shows it as ready."))
        return f"{model_id}#{deployment.name}"

    async def undeploy(self, deployment: Deployment) -> None:
        await self._delete(f"deployments/{short(deployment.name)}")

    async def close(self) -> None:
        await self.api.close()
        await super().close()
