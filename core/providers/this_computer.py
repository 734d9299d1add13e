"""This computer (本机): LoRA fine-tuning of an open-weight model on the user's own computer. The app starts its
local server (core/local/server, as a child process so the window never loads PyTorch), which speaks the OpenAI
shape; this adapter is the OpenAI one plus what only a computer of one's own has: whether the training libraries
are installed and what the hardware fits (GET /local/info), the model catalogue and its downloads."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from core.errors import CoreError, from_exception
from core.i18n import current_language, tr
from core.providers.base import Access, TrainingAccess
from core.providers.openai_api import OpenAIProvider
from core.providers.payloads import integer, number, text
from core.providers.records import BaseModel, DownloadProgress, OfferedModel
from core.providers.this_computer_spec import PLACEHOLDER_URL, SPEC  # noqa: F401 (their old home)

SETUP_COMMAND = 'pip install "finetune-studio[local]"'
POLL_SECONDS = 0.5  # how often a download's progress is asked for


def setup_text(missing: list[str]) -> str:
    """How to add what training on this computer needs, in plain words."""
    if getattr(sys, "frozen", False):  # the downloaded app: no Python environment to install into
        return tr("Training on this computer needs PyTorch and the Hugging Face training libraries ({missing}), "
                  "which the downloaded app does not include (a few GB). Install FineTune Studio with Python and "
                  "run {command}; everything else works in this app.").format(
            missing=", ".join(missing) or "torch", command=SETUP_COMMAND)
    return tr("Training on this computer needs PyTorch and the Hugging Face training libraries ({missing}), which "
              "are not installed. Close the app, run {command} in the app's Python environment (about 1–3 GB), "
              "then open the app again.").format(missing=", ".join(missing) or "torch", command=SETUP_COMMAND)


class ThisComputerProvider(OpenAIProvider):
    capabilities = SPEC.capabilities  # the spec is the one source (this_computer_spec.py)
    base_model_ids = SPEC.base_models  # resources/local_models.json's, read when the adapter loads

    async def _local(self, path: str, method: str = "get", body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A call on the local server's own routes (/v1/local/…)."""
        send = getattr(self.client, method)
        options = {"headers": {"Accept-Language": current_language().replace("_", "-")}}  # its words: in ours
        try:
            answer = await (send(f"/local/{path}", body=body, cast_to=object, options=options) if body is not None
                            else send(f"/local/{path}", cast_to=object, options=options))
        except Exception as exc:
            raise from_exception(exc, str(self.client.base_url)) from exc
        return answer if isinstance(answer, dict) else {}

    async def _catalogue(self) -> list[dict[str, Any]]:
        entries = (await self._local("catalogue")).get("data")
        return [e for e in entries[:200] if isinstance(e, dict) and text(e.get("id"))] if isinstance(entries, list) \
            else []

    async def probe(self) -> str:
        """The local server answers (no key is involved): what it has to train."""
        return tr("The local server answers: {count} models on this computer.").format(
            count=await self.count_models())

    async def training_access(self) -> TrainingAccess | None:
        """Open when the training libraries are installed (saying what trains); otherwise how to add them."""
        info = await self._local("info")
        engine = info.get("engine") or {}
        if engine.get("available"):
            return TrainingAccess(Access.OPEN, hardware_text(info.get("hardware")))
        missing = [text(name) for name in engine.get("missing") or [] if isinstance(name, str)][:10]
        return TrainingAccess(Access.NEEDS_SETUP, setup_text(missing))

    async def base_models(self) -> list[BaseModel]:
        """The catalogue's models downloaded to this computer, then the rest (a job on one not downloaded yet is
        refused with the way to get it); a model folder on disk can be typed as its path."""
        try:
            entries = await self._catalogue()
        except CoreError:
            return []
        models = [(bool(e.get("installed")), BaseModel(text(e.get("id")), None, integer(e.get("context_length"))))
                  for e in entries]
        return [model for installed, model in models if installed] + \
            [model for installed, model in models if not installed]

    async def training_seconds(self, model: str, tokens: int) -> float | None:
        """From the throughput the server measured or assumes for this model on this computer's device."""
        try:
            entry = next((e for e in await self._catalogue() if e.get("id") == model), None)
        except CoreError:
            return None
        speed = number(entry.get("tokens_per_second")) if entry else None
        return tokens / speed if speed else None

    async def offered_models(self) -> list[OfferedModel]:
        return [offered_model(e) for e in await self._catalogue()]

    async def download_model(self, model_id: str, source: str, mirror: str = "") -> AsyncIterator[DownloadProgress]:
        started = await self._local("downloads", "post", {"model": model_id, "source": source} |
                                    ({"endpoint": mirror} if mirror else {}))
        download_id = text(started.get("id"))
        try:
            while True:
                state = await self._local(f"downloads/{download_id}")
                progress = download_progress(model_id, state)
                yield progress
                if progress.finished:
                    break
                await asyncio.sleep(POLL_SECONDS)
        except (asyncio.CancelledError, GeneratorExit):
            with contextlib.suppress(CoreError):  # what arrived stays for a later download to resume
                await asyncio.shield(self._local(f"downloads/{download_id}", "delete"))
            raise
        if progress.state == "failed":
            raise CoreError(progress.error or tr("The download of {model} failed.").format(model=model_id),
                            text((state.get("error") or {}).get("hint")) if isinstance(state.get("error"), dict)
                            else "")

    async def remove_base_model(self, model_id: str) -> None:
        await self._local(f"models/{model_id}", "delete")

    async def export_model(self, model_id: str, kind: str, folder: Path) -> list[Path]:
        started = await self._local("exports", "post", {"model": model_id, "format": kind, "folder": str(folder)})
        path = f"exports/{text(started.get('id'))}"
        try:
            state = started
            while text(state.get("status")) == "running":
                await asyncio.sleep(POLL_SECONDS)
                state = await self._local(path)
        except asyncio.CancelledError:
            with contextlib.suppress(CoreError):
                await asyncio.shield(self._local(path, "delete"))
            raise
        if text(state.get("status")) != "succeeded":
            error = state.get("error") if isinstance(state.get("error"), dict) else {}
            raise CoreError(tr("The export of {model} failed.").format(model=model_id), text(error.get("message")))
        return [Path(text(name)) for name in state.get("files") or [] if isinstance(name, str)]


def hardware_text(hardware: Any) -> str:
    """"Trains on: NVIDIA RTX 4090 (24.0 GB)" or "Trains on the processor: 8 cores, 32.0 GB of memory"."""
    hardware = hardware if isinstance(hardware, dict) else {}
    gpus = [g for g in hardware.get("gpus") or [] if isinstance(g, dict)][:8]
    if gpus:
        return tr("Trains on: {gpus}").format(gpus=", ".join(
            f"{text(g.get('name'))} ({(integer(g.get('memory_bytes')) or 0) / 1e9:.1f} GB)" for g in gpus))
    memory = (integer(hardware.get("ram_bytes")) or 0) / 1e9
    return tr("Trains on the processor: {cores} cores, {memory} GB of memory").format(
        cores=integer(hardware.get("cpu_count")) or "?", memory=f"{memory:.1f}")


def offered_model(entry: dict[str, Any]) -> OfferedModel:
    """A catalogue entry of GET /local/catalogue, with the verdict for this computer."""
    fit = entry.get("fit") if isinstance(entry.get("fit"), dict) else {}
    device = text(fit.get("device"))
    memory = integer(entry.get("cpu_memory_bytes" if device == "cpu" else "gpu_memory_bytes")) or 0
    return OfferedModel(text(entry.get("id")), text(entry.get("title")), integer(entry.get("parameters")) or 0,
                        integer(entry.get("download_bytes")) or 0, memory, text(entry.get("licence")),
                        text(entry.get("licence_url")), bool(entry.get("installed")), bool(fit.get("fits")),
                        text(fit.get("reason")), bool(entry.get("gated")))


def download_progress(model_id: str, state: dict[str, Any]) -> DownloadProgress:
    """GET /local/downloads/{id} as progress; the server's "succeeded" is our "done"."""
    status = text(state.get("status")) or "running"
    error = state.get("error") if isinstance(state.get("error"), dict) else {}
    return DownloadProgress(model_id, integer(state.get("done_bytes")) or 0, integer(state.get("total_bytes")) or 0,
                            number(state.get("bytes_per_second")) or 0.0, number(state.get("eta_seconds")),
                            {"succeeded": "done"}.get(status, status), text(error.get("message")))
