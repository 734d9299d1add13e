"""Which job a retrained job re-creates. OpenAI-shaped providers keep the link in the job's metadata; some
providers keep no metadata, so the link is also kept on this computer, in the target profile's store."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from core.i18n import tr
from core.profile_data import ORIGINS, ProfileData
from core.providers.records import Job

MIGRATED_FROM = "migrated_from"  # metadata key linking the new job to the one it re-creates
KEPT = 500  # links kept per profile, newest last; older ones fall away
LONGEST = 200  # characters kept of each id or name


@dataclass(frozen=True)
class Origin:
    """The job a retrained job re-creates: its id, the model it made (or its base model) and the profile it
    was on ("" when it came from an export folder or is only known from the metadata)."""

    job_id: str
    model: str = ""
    profile: str = ""


def _origins(value: Any) -> dict[str, Origin]:
    if not isinstance(value, dict):
        raise TypeError("expected an object")
    return {str(new)[:LONGEST]: Origin(*(str(old.get(k) or "")[:LONGEST] for k in ("job_id", "model", "profile")))
            for new, old in value.items() if isinstance(old, dict) and old.get("job_id")}


def remember(profile_id: str, new_job_id: str, origin: Origin) -> None:
    """Keep that the job ``new_job_id`` of the profile re-creates ``origin``."""
    store = ProfileData(profile_id).file(ORIGINS)
    links = store.read(_origins) or {}
    links.pop(new_job_id, None)
    links[new_job_id] = origin
    store.write({new: asdict(old) for new, old in list(links.items())[-KEPT:]})


def origin_of(profile_id: str, job: Job) -> Origin | None:
    """The job ``job`` re-creates, from this computer's store or else from the job's metadata; None if none."""
    kept = (ProfileData(profile_id).file(ORIGINS).read(_origins) or {}).get(job.id)
    if kept is not None:
        return kept
    old = job.metadata.get(MIGRATED_FROM, "")
    return Origin(old[:LONGEST]) if old else None


def described(origin: Origin) -> str:
    """One line for the user: which job this one re-creates, and where to compare them."""
    model = f" ({origin.model})" if origin.model and origin.model != origin.job_id else ""
    place = tr(" on “{profile}”").format(profile=origin.profile) if origin.profile else ""
    return tr("Retrained from job {id}{model}{place}.").format(id=origin.job_id, model=model, place=place)
