"""The base model another provider offers that is closest to one a job trained (Retrain elsewhere): a table with
the reasoning per row, so that a user sees why, and may choose another."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import CoreError
from core.i18n import QT_TR_NOOP, tr

# The closest model for each size of source model, best first: (model, why). A target offering the source's own
# model (Azure hosts OpenAI's) takes that one before any row.
_OPEN_SMALL = QT_TR_NOOP("an open 8-billion-parameter chat model: for most tuned tasks close to gpt-4o-mini")
_OPEN_LARGE = QT_TR_NOOP("an open 70-billion-parameter chat model, for work gpt-4o did")
_SMALL = (
    ("gpt-4o-mini-2024-07-18", QT_TR_NOOP("the same small GPT-4o model")),
    ("gpt-4.1-mini-2025-04-14", QT_TR_NOOP("OpenAI's next small general chat model")),
    ("glm-4-flash", QT_TR_NOOP("Zhipu's smallest general chat model: like gpt-4o-mini, cheap and fast")),
    ("qwen3-8b", QT_TR_NOOP("Qwen's smallest general chat model: like gpt-4o-mini, cheap and fast")),
    ("Qwen/Qwen3-8B", _OPEN_SMALL),
    ("accounts/fireworks/models/qwen3-8b", _OPEN_SMALL),
    ("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", _OPEN_SMALL),
    ("gpt-4.1-nano-2025-04-14", QT_TR_NOOP("OpenAI's smallest model")),
)
_LARGE = (
    ("gpt-4o-2024-08-06", QT_TR_NOOP("the same large GPT-4o model")),
    ("gpt-4.1-2025-04-14", QT_TR_NOOP("OpenAI's next large general chat model")),
    ("glm-4-air-250414", QT_TR_NOOP("Zhipu's larger general chat model, for work gpt-4o did")),
    ("glm-4.5-air", QT_TR_NOOP("Zhipu's larger general chat model, for work gpt-4o did")),
    ("qwen3-32b", QT_TR_NOOP("Qwen's larger general chat model, for work gpt-4o did")),
    ("qwen2.5-72b-instruct", QT_TR_NOOP("Qwen's largest tunable chat model")),
    ("meta-llama/Llama-3.3-70B-Instruct-Reference", _OPEN_LARGE),
    ("accounts/fireworks/models/llama-v3p3-70b-instruct", _OPEN_LARGE),
    ("Qwen/Qwen3-8B", QT_TR_NOOP("the largest open model in this computer's list")),
)
CLOSEST: dict[str, tuple[tuple[str, str], ...]] = {"small": _SMALL, "large": _LARGE}


def size_of(model: str) -> str:
    """"small" for mini, nano, 3.5 and other small models; "large" for the rest of the GPT family."""
    name = base_of(model).lower()
    small = any(word in name for word in ("mini", "nano", "3.5", "babbage", "davinci", "flash", "8b", "7b"))
    return "small" if small else "large"


def base_of(model: str) -> str:
    """The base model of ``model`` ("ft:gpt-4o-mini-2024-07-18:org::id" → "gpt-4o-mini-2024-07-18")."""
    return model.removeprefix("ft:").split(":")[0]


@dataclass(frozen=True)
class BaseChoice:
    model: str
    reason: str
    alternatives: tuple[str, ...]  # every base model the target offers, the choice included


def closest_base(source_model: str, offered: list[str]) -> BaseChoice:
    """The target's model closest to ``source_model`` and why; raises CoreError when it offers none."""
    if not offered:
        raise CoreError(tr("The target profile offers no base model to train."),
                        tr("Choose another profile, or type the model's name."))
    alternatives = tuple(offered)
    base = base_of(source_model)
    if base in offered:
        return BaseChoice(base, tr("the same model is offered there"), alternatives)
    for model, reason in CLOSEST[size_of(base)]:
        if model in offered:
            return BaseChoice(model, tr(reason), alternatives)
    return BaseChoice(offered[0], tr("no model like it is offered there: the first one it offers"), alternatives)
