"""The layers of the app: `main.py → gui | cli → core`. core/ and sandbox/ are libraries that never import Qt;
core imports no front-end and not the Sandbox (reached over HTTP only); the Sandbox imports nothing of ours, so a
bug in core's checks cannot hide behind a server that shares them; the two front-ends import neither each other nor
the Sandbox (main.py injects it: the launcher into ProfileService, the `sandbox` command's server as a factory).
No module imports, however indirectly, a module that imports it."""

import ast
from pathlib import Path

import pytest

from tests.core.import_graph import describe_cycles, edges

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "qasync", "gui", "shiboken6")
PACKAGES = ("core", "gui", "cli", "sandbox")
# Which packages each package must not import (any import: module level, inside functions, TYPE_CHECKING).
NOT_IMPORTED = {"core": {"gui", "cli", "sandbox"}, "sandbox": {"core", "gui", "cli"}, "gui": {"cli", "sandbox"},
                "cli": {"gui", "sandbox"}}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["core", "sandbox"])
def test_package_is_qt_free(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files or package == "sandbox"
    for path in files:
        bad = {m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_imports_go_one_way_between_the_packages():
    wrong = [str(edge) for edge in edges(ROOT, PACKAGES)
             if edge.target.split(".")[0] in NOT_IMPORTED[edge.source.split(".")[0]]]
    assert not wrong, "imports against the layers (main.py → gui | cli → core; sandbox alone):\n" + "\n".join(wrong)


def test_no_modules_import_each_other():
    cycles = describe_cycles(edges(ROOT, PACKAGES))
    assert not cycles, f"{len(cycles)} import cycles (cut one import of each; a function-local import still " \
                       "counts):\n" + "\n".join(cycles)


def test_the_graph_sees_imports_inside_functions_and_for_type_checking(tmp_path):
    package = tmp_path / "core"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from core.sub import b  # start-up speed\n")
    (package / "sub" / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                          "    from ..a import f\n")
    found = {(e.source, e.target) for e in edges(tmp_path, ("core",))}
    assert found == {("core.a", "core.sub.b"), ("core.sub.b", "core.a")}
    [cycle] = describe_cycles(edges(tmp_path, ("core",)))
    assert "core.a → core.sub.b → core.a" in cycle and "core/a.py:2" in cycle


def test_the_tabs_name_no_provider_and_work_from_capabilities():
    """Only the adapters (core/providers), the profile editor and the first-run guide name providers."""
    import re

    allowed = {"gui/widgets/profile_form.py", "gui/settings_tab.py", "gui/main_window.py"}
    names = re.compile(r"Azure|Zhipu|Bailian|DashScope|BigModel|智谱|百炼|通义")
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "gui").rglob("*.py")
                 if str(path.relative_to(ROOT)) not in allowed and names.search(path.read_text(encoding="utf-8"))]
    offenders += [str(path.relative_to(ROOT)) for path in (ROOT / "cli").rglob("*.py")
                  if names.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
