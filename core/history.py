"""Console sessions kept per profile (never the key), so a conversation survives a restart."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from core.profile_data import HISTORY, ProfileData


@dataclass(frozen=True)
class Turn:
    model: str
    question: str
    answer: str
    seconds: float = 0.0
    tokens: int | None = None


def _turns(value: Any) -> list[Turn]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise TypeError("a history is a list of turns")
    return [Turn(**item) for item in value]


def load(profile_id: str) -> list[Turn]:
    return ProfileData(profile_id).file(HISTORY).read(_turns) or []


def save(profile_id: str, turns: list[Turn]) -> None:
    ProfileData(profile_id).file(HISTORY).write([asdict(t) for t in turns])


def clear(profile_id: str) -> None:
    ProfileData(profile_id).file(HISTORY).remove()
