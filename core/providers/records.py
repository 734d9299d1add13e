"""What the tabs and the CLI see of jobs, events, checkpoints, loss curves and base models: frozen dataclasses
made by the provider adapters, so nothing outside core/providers touches a provider's payloads. core/training
imports them from here; nothing in core/providers imports core/training."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
CLIENT_ID_KEY = "finetune_studio_request"  # metadata key that makes job creation safe to check after an error


@dataclass(frozen=True)
class Hyperparameters:
    """None means "auto": the provider chooses."""

    n_epochs: int | None = None
    batch_size: int | None = None
    learning_rate_multiplier: float | None = None
    beta: float | None = None  # DPO only


@dataclass(frozen=True)
class JobRequest:
    model: str
    training_file: str  # an uploaded file id
    validation_file: str | None = None
    suffix: str | None = None
    method: str = "supervised"  # or "dpo"
    hyperparameters: Hyperparameters = Hyperparameters()
    seed: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    id: str
    model: str
    status: str
    created_at: int
    fine_tuned_model: str | None = None
    finished_at: int | None = None
    trained_tokens: int | None = None
    training_file: str = ""
    validation_file: str | None = None
    result_files: tuple[str, ...] = ()
    error_code: str | None = None
    error_message: str | None = None
    method: str = "supervised"
    metadata: dict[str, str] = field(default_factory=dict)
    estimated_finish: int | None = None
    raw_status: str = ""  # the provider's own word for the status, shown when it differs from ours
    hyperparameters: Hyperparameters = Hyperparameters()  # as the provider reports them (None: auto or unknown)

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True)
class JobEvent:
    id: str
    created_at: int
    level: str
    message: str
    type: str = "message"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Checkpoint:
    id: str
    model: str  # the checkpoint's model id, usable like a fine-tuned model
    step: int
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricPoint:
    step: int
    train_loss: float | None = None
    valid_loss: float | None = None


@dataclass(frozen=True)
class BaseModel:
    """A model a fine-tuning job can start from."""

    id: str
    price_per_million: float | None  # training, USD
    context_tokens: int | None
    own: bool = False  # a fine-tuned model of this account (continued training)
    shutdown: str | None = None  # announced shutdown date, YYYY-MM-DD


@dataclass(frozen=True)
class OfferedModel:
    """A base model the provider trains only once it is downloaded to this computer (its catalogue)."""

    id: str
    title: str
    parameters: int
    download_bytes: int
    memory_bytes: int  # what training it needs on the device it would use
    licence: str
    licence_url: str
    installed: bool
    fits: bool
    verdict: str  # in plain words: why it fits or not, on which device
    gated: bool = False  # the hub asks the user to accept its licence first


@dataclass(frozen=True)
class DownloadProgress:
    """How far a model's download has got."""

    model: str
    done_bytes: int
    total_bytes: int
    bytes_per_second: float = 0.0
    eta_seconds: float | None = None
    state: str = "running"  # running | done | failed | cancelled
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.state != "running"
