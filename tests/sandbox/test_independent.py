"""The Sandbox is a provider like any other: it knows nothing of the app, so a mistake in the app's checks cannot
hide behind a server that shares them."""

import ast
from pathlib import Path

import pytest

from sandbox.lifecycle import auto_epochs

SANDBOX = Path(__file__).resolve().parents[2] / "sandbox"
THE_APP = ("core", "gui", "cli", "main")


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, wherever the import stands (in a function too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(SANDBOX.rglob("*.py")), ids=lambda p: p.name)
def test_no_sandbox_module_imports_the_app(path):
    assert {name for name in imported(path) if name.split(".")[0] in THE_APP} == set()


@pytest.mark.parametrize(("examples", "epochs"), [(1, 25), (4, 25), (12, 8), (33, 3), (34, 3), (8_333, 3),
                                                  (8_334, 2), (12_500, 2), (25_001, 1), (10**6, 1)])
def test_auto_epochs_follow_the_cookbook(examples, epochs):
    assert auto_epochs(examples) == epochs
