"""core/ and sandbox/ are libraries: they never import Qt, qasync or the gui package."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "qasync", "gui", "shiboken6")


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


def test_the_tabs_name_no_provider_and_work_from_capabilities():
    """Only the adapters (core/providers), the profile editor and the first-run guide name providers."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    allowed = {"gui/widgets/profile_form.py", "gui/settings_tab.py", "gui/welcome.py", "gui/main_window.py"}
    names = re.compile(r"Azure|Zhipu|Bailian|DashScope|BigModel|智谱|百炼|通义")
    offenders = [str(path.relative_to(root)) for path in (root / "gui").rglob("*.py")
                 if str(path.relative_to(root)) not in allowed and names.search(path.read_text(encoding="utf-8"))]
    offenders += [str(path.relative_to(root)) for path in (root / "core").glob("cli*.py")
                  if names.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
