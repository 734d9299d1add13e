"""What the Sandbox pretends to offer: base models, their limits, ids and names like the real API."""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass

ORGANIZATION = "sandbox"
SANDBOX_NOTICE = "Sandbox: no real model is trained and nothing is billed."


@dataclass(frozen=True)
class BaseModel:
    id: str
    context_tokens: int  # per-example training limit
    chat: bool = True  # False: legacy prompt/completion model


BASE_MODELS = (
    BaseModel("gpt-4.1-2025-04-14", 65_536),
    BaseModel("gpt-4.1-mini-2025-04-14", 65_536),
    BaseModel("gpt-4.1-nano-2025-04-14", 65_536),
    BaseModel("gpt-4o-2024-08-06", 65_536),
    BaseModel("gpt-4o-mini-2024-07-18", 65_536),
    BaseModel("gpt-3.5-turbo-0125", 16_385),
    BaseModel("davinci-002", 16_384, chat=False),
    BaseModel("babbage-002", 16_384, chat=False),
)
ALIASES = {"gpt-4.1": "gpt-4.1-2025-04-14", "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
           "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14", "gpt-4o": "gpt-4o-2024-08-06",
           "gpt-4o-mini": "gpt-4o-mini-2024-07-18", "gpt-3.5-turbo": "gpt-3.5-turbo-0125"}
MODEL_CREATED = 1_700_000_000
MAX_CONTEXT = max(m.context_tokens for m in BASE_MODELS)


def base_model(model_id: str) -> BaseModel | None:
    """The base model behind an id, an alias, or an ft: name (for continued training)."""
    root = model_id.removeprefix("ft:").split(":")[0] if model_id.startswith("ft:") else model_id
    root = ALIASES.get(root, root)
    return next((m for m in BASE_MODELS if m.id == root), None)


def new_id(prefix: str, length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def fine_tuned_name(base: str, suffix: str | None, job_id: str) -> str:
    """ft:{base}:{org}:{suffix}:{id}, as the API names models (empty suffix field when none)."""
    short = job_id.removeprefix("ftjob-")[:8]
    return f"ft:{base}:{ORGANIZATION}:{suffix or ''}:{short}"


def now() -> int:
    return int(time.time())
