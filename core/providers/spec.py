"""What the app knows of a provider before it connects: one ProviderSpec per provider, kept in a light module of its
own (core/providers/<provider>_spec.py) and listed by core/providers/registry.py. The settings, the profile editor
and the CLI read the specs, so none of them names a provider (docs/providers.md: adding a provider).

A spec names its adapter class as "module:Class" and loads it on first use: start-up reads every spec (the Settings
tab, the kinds of the profiles) but talks to no provider, and the adapters with their HTTP client load in tens of
milliseconds. Capabilities and base models live in the spec; each adapter class reads its own from there."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.i18n import QT_TR_NOOP, tr
from core.providers.capabilities import Capabilities
from core.urls import normalise_base_url

if TYPE_CHECKING:
    from core.profile import Profile
    from core.providers.base import Provider


@dataclass(frozen=True)
class Choice:
    """One entry of a field's list."""

    value: str  # what the profile stores
    label: str  # English; tr() where shown
    url: str = ""  # the base URL this entry stands for (a region's), used while the base URL is left empty


@dataclass(frozen=True)
class ProfileField:
    """A value the profile editor asks for: a Profile attribute, or ``api_key`` (kept in the key store)."""

    name: str
    label: str  # English with its &shortcut; tr() where shown
    help: str = ""  # shown in the empty field; tr() where shown
    choices: tuple[Choice, ...] = ()  # chosen from a list instead of typed
    default: str = ""  # a new profile's value
    to_url: Callable[[str], str] | None = None  # a value here makes the base URL (an Azure resource name does)

    def choice(self, value: str) -> Choice:
        """The entry for ``value``; the first one for a value that is not in the list."""
        return next((c for c in self.choices if c.value == value), self.choices[0])


API_KEY = ProfileField("api_key", QT_TR_NOOP("API &key"))
PROXY = ProfileField("proxy", QT_TR_NOOP("&Proxy"), QT_TR_NOOP("optional, e.g. http://127.0.0.1:7890 or socks5://host:1080"))
TIMEOUT = ProfileField("timeout", QT_TR_NOOP("&Timeout"))


def connection_fields(example_url: str) -> tuple[ProfileField, ...]:
    """The fields every provider reached over the network asks for: address, key, proxy, timeout."""
    return ProfileField("base_url", QT_TR_NOOP("&Base URL"), example_url), API_KEY, PROXY, TIMEOUT


def training_type_field(choices: tuple[Choice, ...], default: str) -> ProfileField:
    return ProfileField("training_type", QT_TR_NOOP("Training t&ype"), choices=choices, default=default)


_ADAPTERS: dict[str, type[Provider]] = {}  # "module:Class" → the class, once imported


@dataclass(frozen=True)
class ProviderSpec:
    """One provider: how its profiles are made, edited and checked, and which adapter talks to it."""

    kind: str  # stored in settings files: never change it
    name: str  # English, e.g. "Zhipu BigModel (智谱)"; tr() where shown (title)
    profile_name: str  # a new profile's name, e.g. "Zhipu"; tr() where used
    adapter_name: str  # "module:Class" of its adapter (a Provider), imported on first use of ``adapter``
    fields: tuple[ProfileField, ...] = ()  # what the profile editor shows below the name and the type
    dialect: str = "openai"  # the Sandbox dialect that speaks its API (`python main.py sandbox --dialect DIALECT`)
    default_url: str = ""
    add_v1: bool = False  # a typed address without a path gets /v1 (the provider's own layout)
    note: str = ""  # what the profile editor says above the fields (English; tr() where shown)
    addable: bool = True  # offered by Settings' Add menu and the CLI's --provider (the built-in Sandbox is not)
    closing: bool = False  # OpenAI's end of job creation and model shutdown dates apply (probe and deadlines)
    capabilities: Capabilities = Capabilities()  # what it can do, known without connecting (its adapter's)
    # The models it fine-tunes, or a function that reads them (a file of the app: read when first asked).
    base_model_ids: tuple[str, ...] | Callable[[], tuple[str, ...]] | None = None

    @property
    def title(self) -> str:
        return tr(self.name)

    @property
    def adapter(self) -> type[Provider]:
        """The adapter class, imported the first time it is asked for."""
        if self.adapter_name not in _ADAPTERS:
            module, _, name = self.adapter_name.partition(":")
            _ADAPTERS[self.adapter_name] = getattr(importlib.import_module(module), name)
        return _ADAPTERS[self.adapter_name]

    @property
    def base_models(self) -> tuple[str, ...] | None:
        """The models it fine-tunes; None: every model of resources/pricing.json (OpenAI's prices and dates)."""
        return self.base_model_ids() if callable(self.base_model_ids) else self.base_model_ids

    def field(self, name: str) -> ProfileField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def training_types(self) -> tuple[str, ...]:
        found = self.field("training_type")
        return tuple(c.value for c in found.choices) if found else ()

    def defaults(self) -> Mapping[str, str]:
        """A new profile's values: the default base URL and each field's default."""
        return {"base_url": self.default_url} | {f.name: f.default for f in self.fields if f.default}

    def address(self, profile: Profile) -> str:
        """The base URL to call ``profile`` at, by this provider's rules; ConfigError when it cannot be used."""
        for field in self.fields:
            value = str(getattr(profile, field.name, "")).strip()
            if field.to_url is not None and value:
                return field.to_url(value)
            if field.choices and not profile.base_url.strip() and field.choice(value).url:
                return field.choice(value).url
        return normalise_base_url(profile.base_url, add_v1=self.add_v1).url
