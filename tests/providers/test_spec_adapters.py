"""Each spec names its adapter lazily ("module:Class") so that start-up reads every spec without loading an adapter
(issue 21); the spec is the one source of an adapter's capabilities and base models."""

import subprocess
import sys
from pathlib import Path

import pytest

from core.providers.registry import SPECS

ROOT = Path(__file__).resolve().parents[2]
ADAPTERS = ("openai_api", "azure", "zhipu", "bailian", "together", "fireworks", "this_computer", "base")


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.kind)
def test_the_adapter_reads_its_capabilities_and_models_from_its_spec(spec):
    assert spec.adapter is spec.adapter  # imported once
    assert spec.adapter.capabilities == spec.capabilities
    assert spec.adapter.base_model_ids == spec.base_models


def test_reading_the_specs_loads_no_adapter_and_no_model_list():
    probe = ("import sys\nimport core.providers\nfrom core.providers.registry import SPECS, addable\n"
             "[(s.title, s.capabilities, s.fields) for s in addable()]\n"
             f"print(sorted(m for m in sys.modules if m.split('.')[-1] in {ADAPTERS!r} "
             "or m in ('core.local.catalogue', 'core.providers.records')))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
