"""Why a training run failed, in the few words the contract knows: each code maps to advice the user can act on.

The worker turns any exception into one of these codes. Exceptions from torch are recognised by name and
message, so this module needs no torch (the server imports it too).
"""

from __future__ import annotations

import errno

from core.errors import CoreError
from core.i18n import tr

ENGINE_PACKAGES = ("torch", "transformers", "peft", "trl", "accelerate", "datasets", "safetensors")
DRIVER_WORDS = ("cuda driver", "nvidia driver", "no cuda gpus", "insufficient driver", "cudaerrorinsufficientdriver",
                "found no nvidia", "cuda error: unknown error", "cuda initialization")


class BadDataError(CoreError):
    """A training row the engine cannot use (no assistant answer, unknown shape, nothing left to learn)."""


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and the ones it was raised from, since libraries often wrap OOM or ENOSPC."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _code_of(exc: BaseException) -> str | None:
    text = str(exc).lower()
    if isinstance(exc, BadDataError):
        return "bad_data"
    if type(exc).__name__ == "OutOfMemoryError" or "out of memory" in text:
        return "out_of_memory"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "no space left on device" in text:
        return "disk_full"
    if any(word in text for word in DRIVER_WORDS):
        return "no_gpu_driver"
    if isinstance(exc, ImportError) and (exc.name or "").split(".")[0] in ENGINE_PACKAGES:
        return "engine_missing"
    return None


def classify(exc: BaseException) -> tuple[str, str]:
    """(code, plain words) for a failed run."""
    for link in _chain(exc):
        code = _code_of(link)
        if code:
            return code, message_for(code, link)
    return "internal", message_for("internal", exc)


def message_for(code: str, exc: BaseException | None = None) -> str:
    messages = {
        "out_of_memory": tr("The model did not fit in memory. Choose a smaller model, shorten the rows, lower the "
                            "batch size, or train on the processor instead of the graphics card."),
        "disk_full": tr("The disk is full. Free some space (checkpoints need room) and resume the job."),
        "no_gpu_driver": tr("The graphics card's driver could not be used. Install or update the NVIDIA driver, "
                            "or train on the processor."),
        "engine_missing": tr("The local training engine is not installed. Install it with: "
                             "pip install \"finetune-studio[local]\""),
    }
    if code == "bad_data" and isinstance(exc, CoreError):
        return str(exc)
    if code in messages:
        return messages[code]
    return tr("Training stopped because of an unexpected error: {error}").format(error=str(exc or "")[:500])
