"""How a profile is named on screen: the built-in Sandbox by what it is, in the user's language; every other
profile by the name its user gave it."""

from __future__ import annotations

from core.i18n import tr
from core.profile import Profile


def shown_name(profile: Profile) -> str:
    return tr("Sandbox (practice, nothing is billed)") if profile.is_sandbox else profile.name
