"""Whether to ask a profile's server for streamed answers (remembered when a gateway turns out not to stream)."""

from __future__ import annotations

from core.private_json import json_object
from core.profile_data import CHOICES, STREAMING, ProfileData


def wanted(profile_id: str) -> bool:
    choices = ProfileData(profile_id).file(CHOICES).read(json_object) or {}
    return bool(choices.get(STREAMING, True))


def remember(profile_id: str, stream: bool) -> None:
    file = ProfileData(profile_id).file(CHOICES)
    file.write((file.read(json_object) or {}) | {STREAMING: stream})
