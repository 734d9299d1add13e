"""The curated base models a user can train on this computer, read from ``resources/local_models.json``.

The list is short on purpose: open instruct models that are good in Chinese and English, small enough for one
consumer GPU (or, the smallest, a CPU). Each entry says how much it downloads, how much memory LoRA training needs
and under which licence it comes, so the app can say "this will not fit" before a single byte is downloaded.
Where the JSON got its numbers from is written in its ``about`` field.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import CoreError
from core.i18n import tr
from core.paths import resource_path

CATALOGUE_FILE = "local_models.json"
COMPLETE_MARKER = ".download-complete"  # written by core.local.download once every file is verified
GB = 1_000_000_000  # decimal, as download sizes and GPU memory are advertised
# LLaMA-Factory's README ("Hardware Requirement") puts LoRA in 16 bits at about 2x GB for x billion parameters, 16 GB
# for a 7B model: the 16-bit weights (2 bytes each, the size of a bf16 download) plus ~2 GB for the adapter, its
# optimizer state and the activations of short rows. On a CPU the weights are fp32, twice the size.
TRAINING_OVERHEAD_BYTES = 2 * GB


@dataclass(frozen=True)
class CatalogueEntry:
    """One base model: where to download it, what it costs in disk and memory, and its licence."""

    id: str  # the Hugging Face repo id, also the model's name in the API ("Qwen/Qwen2.5-0.5B-Instruct")
    modelscope_id: str
    title: str
    parameters: int
    download_bytes: int  # the safetensors weights (approximate: tokenizer and config files add a few MB)
    context_length: int
    gpu_memory_bytes: int  # LoRA training in bf16/fp16 on a GPU, short rows (TRAINING_OVERHEAD_BYTES says why)
    cpu_memory_bytes: int  # LoRA training in fp32 on the CPU (RAM)
    licence: str
    licence_url: str
    languages: tuple[str, ...]
    gated: bool  # the Hugging Face hub asks the user to accept the licence first (with a token)


def _entry(raw: dict) -> CatalogueEntry:
    return CatalogueEntry(
        id=raw["id"], modelscope_id=raw["modelscope_id"], title=raw["title"], parameters=int(raw["parameters"]),
        download_bytes=int(raw["download_bytes"]), context_length=int(raw["context_length"]),
        gpu_memory_bytes=int(raw["download_bytes"]) + TRAINING_OVERHEAD_BYTES,
        cpu_memory_bytes=2 * int(raw["download_bytes"]) + TRAINING_OVERHEAD_BYTES,
        licence=raw["licence"]["name"], licence_url=raw["licence"]["url"],
        languages=tuple(raw["languages"]), gated=bool(raw["gated"]))


@functools.cache
def catalogue() -> tuple[CatalogueEntry, ...]:
    """Every catalogue model, smallest first (the file is part of the app, so it is read once)."""
    data = json.loads(resource_path(CATALOGUE_FILE).read_text(encoding="utf-8"))
    return tuple(sorted((_entry(raw) for raw in data["models"]), key=lambda entry: entry.parameters))


def find(model_id: str) -> CatalogueEntry | None:
    """The catalogue entry called ``model_id`` (its Hugging Face id), or None."""
    return next((entry for entry in catalogue() if entry.id == model_id), None)


def entry_for(model_id: str) -> CatalogueEntry:
    """The catalogue entry called ``model_id``; a CoreError that lists the choices when there is none."""
    entry = find(model_id)
    if entry is None:
        raise CoreError(tr("{model} is not in the list of models this computer can download.").format(
                            model=model_id[:200]),
                        tr("Choose one of: {names}; or pick a model folder already on disk.").format(
                            names=", ".join(item.id for item in catalogue())))
    return entry


def folder_for(models_dir: Path, model_id: str) -> Path:
    """Where the catalogue model ``model_id`` is (or will be) downloaded: ``models_dir/<owner>--<name>``, the way
    the Hugging Face cache names repos. Catalogue ids are ours, so the name is always one harmless folder."""
    return models_dir / entry_for(model_id).id.replace("/", "--")


def installed_folder(models_dir: Path, model_id: str) -> Path | None:
    """The folder of ``model_id`` when it is a catalogue model downloaded completely into ``models_dir``, else
    None (not in the catalogue, never downloaded, or a download still unfinished)."""
    if find(model_id) is None:
        return None
    folder = folder_for(models_dir, model_id)
    return folder if (folder / COMPLETE_MARKER).is_file() else None
