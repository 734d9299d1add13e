"""One connected training session for a profile: uploads, jobs, results and the models to start from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.client import build_client
from core.dataset.estimate import price_table
from core.errors import from_exception
from core.settings import Profile
from core.training.jobs import Jobs
from core.training.metrics import decode_result_file, points_from_csv
from core.training.records import Job, MetricPoint
from core.training.uploads import Uploader

if TYPE_CHECKING:
    import openai

    from core.profiles import ProfileService


@dataclass(frozen=True)
class BaseModel:
    id: str
    price_per_million: float | None  # training, USD
    context_tokens: int | None
    own: bool = False  # a fine-tuned model of this account (continued training)
    shutdown: str | None = None  # announced shutdown date, YYYY-MM-DD


class Training:
    def __init__(self, client: openai.AsyncOpenAI) -> None:
        self.client = client
        self.jobs = Jobs(client)
        self.uploader = Uploader(client)

    async def result_points(self, job: Job) -> list[MetricPoint]:
        """The loss curve from a finished job's result file (empty when it has none)."""
        if not job.result_files:
            return []
        try:
            response = await self.client.files.content(job.result_files[0])
            return points_from_csv(decode_result_file(response.read()))
        except Exception as exc:
            raise from_exception(exc) from exc

    async def base_models(self) -> list[BaseModel]:
        """Models to fine-tune: the known fine-tunable ones, plus this account's own fine-tuned models."""
        table = price_table()
        try:
            listed = {m.id: getattr(m, "shutdown_date", None) for m in (await self.client.models.list()).data}
        except Exception:
            listed = {}  # the list is a convenience; a custom model id can still be typed

        def model(name: str, own: bool = False) -> BaseModel:
            # The provider's own date is newer than our table's when it gives one.
            shutdown = listed.get(name) or table.shutdown(name)
            return BaseModel(name, table.price(name), table.context(name), own, str(shutdown) if shutdown else None)

        own = sorted(name for name in listed if name.startswith("ft:"))
        return [model(name) for name in sorted(table.per_million)] + [model(name, own=True) for name in own]

    async def close(self) -> None:
        await self.client.close()


async def connect(service: ProfileService, profile: Profile | None = None) -> Training:
    """A training session for ``profile`` (the active one by default)."""
    profile = profile or service.settings.active_profile
    base_url, key = await service.endpoint(profile)
    return Training(build_client(profile, key, base_url))
