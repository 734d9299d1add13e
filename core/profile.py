"""One connection profile: which provider (its kind), where, and how to reach it. A frozen record that the
settings file stores and the provider adapters connect with; core/profiles.py manages the profiles.

API keys are never part of it: see core/secrets.py."""

from __future__ import annotations

from dataclasses import dataclass

SANDBOX_KIND = "sandbox"  # the built-in practice server's kind; every other kind comes from core/providers/registry.py
THIS_COMPUTER_KIND = "this_computer"  # training on the user's own computer, through the app's own local server


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    kind: str  # a registered provider kind (core.providers.registry.ProfileKind)
    base_url: str
    proxy: str = ""
    organization: str = ""
    project: str = ""
    timeout: float = 60.0
    azure_resource: str = ""
    training_type: str = ""  # one of the provider's training types (its spec's "training_type" field)
    region: str = ""  # one of the provider's regions (its spec's "region" field)

    @property
    def is_sandbox(self) -> bool:
        return self.kind == SANDBOX_KIND

    @property
    def is_this_computer(self) -> bool:
        return self.kind == THIS_COMPUTER_KIND

    @property
    def served_here(self) -> bool:
        """Served by a server the app starts on this computer (the Sandbox, This computer): no key, no address."""
        return self.is_sandbox or self.is_this_computer
