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
    provider: str = "openai"  # whose catalogue it is in (Azure offers OpenAI's)


BASE_MODELS = (
    BaseModel("gpt-4.1-2025-04-14", 65_536),
    BaseModel("gpt-4.1-mini-2025-04-14", 65_536),
    BaseModel("gpt-4.1-nano-2025-04-14", 65_536),
    BaseModel("gpt-4o-2024-08-06", 65_536),
    BaseModel("gpt-4o-mini-2024-07-18", 65_536),
    BaseModel("gpt-3.5-turbo-0125", 16_385),
    BaseModel("davinci-002", 16_384, chat=False),
    BaseModel("babbage-002", 16_384, chat=False),
    # Zhipu BigModel
    BaseModel("glm-4-flash", 32_768, provider="zhipu"),
    BaseModel("glm-4-9b", 32_768, provider="zhipu"),
    BaseModel("glm-4-air-250414", 32_768, provider="zhipu"),
    BaseModel("chatglm3-6b", 8_192, provider="zhipu"),
    BaseModel("glm-4.5-air", 32_768, provider="zhipu"),
    # Alibaba Bailian
    BaseModel("qwen3-8b", 32_768, provider="bailian"),
    BaseModel("qwen3-14b", 32_768, provider="bailian"),
    BaseModel("qwen3-32b", 32_768, provider="bailian"),
    BaseModel("qwen2.5-7b-instruct", 32_768, provider="bailian"),
    BaseModel("qwen2.5-14b-instruct", 32_768, provider="bailian"),
    BaseModel("qwen2.5-72b-instruct", 32_768, provider="bailian"),
    BaseModel("qwen-turbo-0624", 32_768, provider="bailian"),
    BaseModel("qwen-plus-0723", 32_768, provider="bailian"),
    # Together AI (docs.together.ai, "Supported models" of fine-tuning)
    BaseModel("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", 65_536, provider="together"),
    BaseModel("meta-llama/Llama-3.3-70B-Instruct-Reference", 65_536, provider="together"),
    BaseModel("Qwen/Qwen3-8B", 32_768, provider="together"),
    BaseModel("Qwen/Qwen2.5-7B-Instruct", 32_768, provider="together"),
    # Fireworks AI (its model library, "Tunable")
    BaseModel("accounts/fireworks/models/llama-v3p1-8b-instruct", 65_536, provider="fireworks"),
    BaseModel("accounts/fireworks/models/llama-v3p3-70b-instruct", 65_536, provider="fireworks"),
    BaseModel("accounts/fireworks/models/qwen3-8b", 32_768, provider="fireworks"),
    BaseModel("accounts/fireworks/models/qwen2p5-7b-instruct", 32_768, provider="fireworks"),
)
DIALECTS = ("openai", "azure", "zhipu", "bailian", "together", "fireworks")
PREFIXES = {"openai": "/v1", "azure": "/openai/v1", "zhipu": "/api/paas/v4", "bailian": "/api/v1", "together": "/v1",
            "fireworks": "/v1"}
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


def offered(model: BaseModel, dialect: str) -> bool:
    """Whether a server of ``dialect`` offers ``model`` to fine-tune."""
    return model.provider == ("openai" if dialect == "azure" else dialect)


def new_id(prefix: str, length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def fine_tuned_name(base: str, suffix: str | None, job_id: str, dialect: str = "openai") -> str:
    """The model a job makes, named as each provider names them: OpenAI ft:{base}:{org}:{suffix}:{id},
    Azure {base}.ft-{hex}, Zhipu {base}-{number}-{suffix}, Bailian {base}-{suffix}-ft-{job}."""
    if dialect == "azure":
        return f"{base}.ft-{secrets.token_hex(16)}"
    if dialect == "zhipu":
        return f"{base}-{secrets.randbelow(10**18)}" + (f"-{suffix}" if suffix else "")
    if dialect == "bailian":
        return f"{base}-{suffix + '-' if suffix else ''}{job_id}"
    short = job_id.removeprefix("ftjob-")[:8]
    return f"ft:{base}:{ORGANIZATION}:{suffix or ''}:{short}"


def new_job_id(dialect: str) -> str:
    """ftjob-… everywhere but Bailian, whose ids look like ft-202410291653-1c7f."""
    if dialect == "bailian":
        return time.strftime("ft-%Y%m%d%H%M-") + secrets.token_hex(2)
    return new_id("ftjob-")


def now() -> int:
    return int(time.time())
