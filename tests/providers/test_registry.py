"""The provider registry is the one place that names providers (docs/providers.md, "Adding a provider"): every
spec is complete and translated, the profile editor, the settings and the CLI read it, and no module outside
core/providers names a provider."""

import argparse
import ast
import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.i18n import catalogue_path, load_ts, tr
from core.profile import SANDBOX_KIND, THIS_COMPUTER_KIND, Profile
from core.profiles import ProfileService
from core.providers.base import Capabilities, Provider
from core.providers.registry import GENERIC, SPECS, ProfileKind, addable, dialects, known_kind, spec_for
from core.providers.spec import ProviderSpec
from core.secrets import SessionStore
from core.settings import SettingsStore, new_profile, settings_from_dict
from sandbox.catalogue import DIALECTS as SANDBOX_DIALECTS

ROOT = Path(__file__).resolve().parents[2]
EDITABLE = {f.name for f in dataclasses.fields(Profile)} | {"api_key"}  # what a spec's fields may edit
# Provider names (kinds and brands) that only core/providers (and the Sandbox, docs and tests) may write.
NAMES = re.compile(r"zhipu|bailian|dashscope|bigmodel|azure(?!_resource)|智谱|百炼|通义", re.IGNORECASE)
# The first-run guide's prose tells new users which providers Settings offers.
MAY_NAME: set[str] = set()


def kind(spec: ProviderSpec) -> str:
    return spec.kind


def shown_texts(spec: ProviderSpec) -> set[str]:
    """Every text of the spec that users read (addresses given as examples aside)."""
    texts = {spec.name, spec.profile_name, spec.note}
    for field in spec.fields:
        texts |= {field.label, field.help, *(choice.label for choice in field.choices)}
    return {text for text in texts if text and not text.startswith("http")}


def test_every_spec_is_complete():
    kinds = [spec.kind for spec in SPECS]
    assert len(set(kinds)) == len(kinds) and [k.value for k in ProfileKind] == kinds
    for spec in SPECS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", spec.kind) and spec.name and spec.profile_name, spec
        assert issubclass(spec.adapter, Provider) and isinstance(spec.capabilities, Capabilities), spec.kind
        assert spec.dialect in SANDBOX_DIALECTS, f"{spec.kind}: the Sandbox has no dialect {spec.dialect!r}"
        assert spec.base_models is None or spec.base_models, spec.kind
        names = [field.name for field in spec.fields]
        assert len(set(names)) == len(names) and set(names) <= EDITABLE, spec.kind
        for field in spec.fields:
            values = [choice.value for choice in field.choices]
            assert field.label and len(set(values)) == len(values), (spec.kind, field.name)
            assert not (field.choices and field.default) or field.default in values, (spec.kind, field.name)
    assert SANDBOX_KIND in kinds and SANDBOX_KIND not in [spec.kind for spec in addable()]
    assert set(dialects()) <= set(SANDBOX_DIALECTS)


def test_every_text_a_spec_shows_is_translated():
    chinese = load_ts(catalogue_path("zh_CN"))
    missing = sorted(text for spec in SPECS for text in shown_texts(spec) if text not in chinese)
    assert missing == [], "add these to resources/translations (tools/update_translations.py)"


def test_a_kind_this_version_does_not_know_is_a_generic_gateway():
    assert spec_for("a-newer-provider") is GENERIC and known_kind("a-newer-provider") == GENERIC.kind
    settings = settings_from_dict({"profiles": [{"id": "x", "name": "X", "kind": "a-newer-provider",
                                                 "base_url": "https://example.com/v1"}]})
    assert settings.profile("x").kind is known_kind(GENERIC.kind)


@pytest.mark.parametrize("spec", addable(), ids=kind)
def test_a_new_profile_has_its_providers_defaults_and_passes_its_checks(spec, tmp_path):
    profile = new_profile(spec.kind, "New")
    assert profile.kind is known_kind(spec.kind) and profile.base_url == spec.default_url
    assert all(getattr(profile, field.name) == field.default for field in spec.fields if field.default)
    service = ProfileService(SettingsStore(tmp_path / "settings.json"), keys=SessionStore())
    if profile.base_url:
        assert service.validated(profile).base_url == spec.address(profile)


@pytest.mark.parametrize("spec", SPECS, ids=kind)
def test_the_profile_editor_shows_the_fields_of_the_spec(qtbot, spec):
    from gui.widgets.profile_form import ProfileForm

    form = ProfileForm()
    qtbot.addWidget(form)
    assert {field.name for other in SPECS for field in other.fields} <= set(form.inputs)
    form.load(new_profile(spec.kind, "New"), has_key=False)
    layout = form.layout()
    assert {name for name, widget in form.inputs.items() if layout.isRowVisible(widget)} == \
        {field.name for field in spec.fields}
    assert form.kind.text() == spec.title and form.note.text() == tr(spec.note)
    for field in spec.fields:
        widget = form.inputs[field.name]
        assert layout.labelForField(widget).text() == tr(field.label)
        if field.choices:
            assert [widget.itemData(i) for i in range(widget.count())] == [c.value for c in field.choices]
            assert [widget.itemText(i) for i in range(widget.count())] == [tr(c.label) for c in field.choices]


def test_the_settings_add_menu_offers_the_registered_providers(qtbot, tmp_path):
    from gui.connection_state import ConnectionState
    from gui.i18n import LanguageManager
    from gui.settings_tab import SettingsTab

    service = ProfileService(SettingsStore(tmp_path / "settings.json"), keys=SessionStore())
    tab = SettingsTab(service, ConnectionState(), LanguageManager())
    qtbot.addWidget(tab)
    actions = tab.add_menu.actions()
    assert [(a.data(), a.text()) for a in actions] == [(spec.kind, spec.title) for spec in addable()]


def options(parser: argparse.ArgumentParser, flag: str) -> Iterator[tuple[str, argparse.Action]]:
    """Every ``flag`` option of the parser and of its commands, with the command's name."""
    for action in parser._actions:
        if flag in action.option_strings:
            yield parser.prog, action
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from options(command, flag)


def test_the_cli_offers_the_registered_providers_and_their_dialects():
    from cli.app import build_parser

    parser = build_parser()
    providers = list(options(parser, "--provider"))
    assert providers and all(list(action.choices) == [spec.kind for spec in addable()] for _, action in providers)
    assert all(action.default == GENERIC.kind for _, action in providers)
    [(_, dialect)] = options(parser, "--dialect")
    assert list(dialect.choices) == list(dialects())


def outside_providers() -> list[Path]:
    """The front-ends and core, but for core/providers and core/dataset (whose "openai" is a file format)."""
    core = [p for p in (ROOT / "core").rglob("*.py") if not p.is_relative_to(ROOT / "core" / "providers")
            and not p.is_relative_to(ROOT / "core" / "dataset")]
    return sorted([*core, *(ROOT / "gui").rglob("*.py"), *(ROOT / "cli").rglob("*.py"), ROOT / "main.py"])


def kinds_named(path: Path) -> list[str]:
    """Where ``path`` names a provider kind: as text ("zhipu") or as ProfileKind.ZHIPU."""
    kinds = {spec.kind for spec in SPECS} - {SANDBOX_KIND, THIS_COMPUTER_KIND}  # the app's own servers
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in kinds:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ProfileKind":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} ProfileKind.{node.attr}")
    return found


def test_no_module_outside_core_providers_names_a_provider():
    paths = outside_providers()
    assert len(paths) > 50
    named = [where for path in paths for where in kinds_named(path)]
    named += [f"{path.relative_to(ROOT)}: {match.group()}" for path in paths
              if str(path.relative_to(ROOT)) not in MAY_NAME
              for match in NAMES.finditer(path.read_text(encoding="utf-8"))]
    assert named == [], "read the provider registry (core/providers/registry.py) instead"
