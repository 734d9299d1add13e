"""What goes into the packaged app and what never does: read by the spec when it collects, and by build.py when
it checks the built bundle. Local training (torch and the Hugging Face stack) stays an optional extra installed
with pip; the bundle must not pick it up from a build environment that happens to have it."""

from __future__ import annotations

import sys
from pathlib import Path

# Never in the bundle: the local-training extra, what it drags in, and development tools.
NEVER_BUNDLED = (
    "torch", "torchvision", "torchaudio", "transformers", "peft", "trl", "accelerate", "datasets", "safetensors",
    "gguf", "tokenizers", "sentencepiece", "huggingface_hub", "modelscope", "bitsandbytes", "triton", "sympy",
    "pandas", "pyarrow", "scipy", "sklearn", "tensorflow", "jax", "matplotlib", "IPython", "jupyter", "notebook",
    # Optional imports of our dependencies that the app never takes: Pillow (openpyxl's images), aiohttp (the
    # openai SDK's other HTTP client), PyYAML (uvicorn's and starlette's YAML), rich and pygments (httpx2's command
    # line), NumPy's Fortran wrapper generator, readline (interactive Python).
    "PIL", "aiohttp", "yaml", "rich", "pygments", "numpy.f2py", "readline", "pydoc_data", "lib2to3", "idlelib",
    "ensurepip", "distutils",
    "pytest", "_pytest", "pytestqt", "pytest_asyncio", "xdist", "ruff", "trustme", "jsonschema",
    "zhipuai", "dashscope", "together", "fireworks", "tkinter", "setuptools", "pip", "PyInstaller",
    "tests", "bench", "tools", "docs",
)
# The Qt modules the app uses (grep "PySide6.Qt" in core, gui, cli); every other one is left out. pyqtgraph asks for
# QtSvg, QtOpenGLWidgets and QtTest but runs without them. The SVG window icon is drawn by Qt's image plugin (C++).
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets")
# Qt plugin folders a desktop window never loads (designer, QML tooling, SQL drivers, printing, networking), and
# the OpenGL surfaces of X11 and Wayland: the app's widgets and charts draw in software (no QOpenGLWidget), which
# both systems take without them.
UNUSED_QT_PLUGINS = ("designer", "qmltooling", "qmllint", "sqldrivers", "printsupport", "networkinformation", "tls",
                     "egldeviceintegrations", "wayland-graphics-integration-server", "generic", "vectorimageformats",
                     "xcbglintegrations", "wayland-graphics-integration-client")
# Single plugins left out: screens of embedded devices and remote framebuffers, image formats the app never reads,
# and the GTK theme, which would load the GTK libraries of the build machine next to the user's own.
UNUSED_QT_PLUGIN_FILES = ("qeglfs", "qlinuxfb", "qvnc", "qminimalegl", "qvkkhrdisplay", "qtiff", "qwebp", "qtga",
                          "qwbmp", "qgtk3")
# Linux libraries that come with every desktop and must be the desktop's own (its X server, fonts, D-Bus, C++
# runtime): bundling the build machine's copies breaks font configuration, or graphics drivers that need a newer
# C++ runtime. The libraries only they need go with them (libraries_only_for). The build machine is the oldest
# system the app supports (Ubuntu 22.04 in the release workflow), so every supported desktop has these or newer.
HOST_LIBRARIES = ("libX11.so.6", "libX11-xcb.so.1", "libxcb.so.1", "libXau.so.6", "libXdmcp.so.6", "libXext.so.6",
                  "libXrender.so.1", "libfontconfig.so.1", "libfreetype.so.6", "libexpat.so.1", "libdbus-1.so.3",
                  "libuuid.so.1", "libstdc++.so.6", "libgcc_s.so.1", "libwayland-client.so.0",
                  "libwayland-cursor.so.0", "libwayland-egl.so.1")
LANGUAGES = ("zh_CN",)  # the app's languages besides English: Qt's own translations are kept for these only
# Imported by name at run time (import_module, entry points), so the analysis cannot see them.
HIDDEN_IMPORTS = ("tiktoken_ext.openai_public", "openpyxl", "charset_normalizer", "qtawesome", "markdown_it")
KEYRING_BACKENDS = {
    "win32": ("keyring.backends.Windows", "win32ctypes.pywin32.win32cred", "win32ctypes.pywin32.pywintypes"),
    "darwin": ("keyring.backends.macOS", "keyring.backends.macOS.api"),
    "linux": ("keyring.backends.SecretService", "keyring.backends.libsecret", "secretstorage", "jeepney"),
}
# What the built app must hold: data files (relative to the bundle's data folder) and modules.
REQUIRED_DATA = ("resources/guide/guide.en.md", "resources/guide/guide.zh_CN.md",
                 "resources/translations/finetune_studio_zh_CN.qm", "resources/samples/demo_support.jsonl",
                 "resources/tokenizers/fb374d419588a4632f3f557e76b4b70aebbca790",
                 "resources/tokenizers/9b5ad71b2ce5302211f9c61530b329a4922fc6a4",
                 "resources/icons/finetune-studio.svg")
REQUIRED_MODULES = ("main", "core.updates", "gui.main_window", "cli.app", "sandbox.server",
                    "tiktoken_ext.openai_public", "keyring.backends", "docx", "pypdf", "markdown_it", "pyqtgraph")


def system() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform


def qt_modules_left_out() -> list[str]:
    """Every PySide6 module with a binary here that the app does not use."""
    import PySide6

    folder = Path(PySide6.__file__).parent
    names = {path.name.split(".")[0] for path in folder.iterdir() if path.suffix in (".so", ".pyd")}
    return sorted(f"PySide6.{name}" for name in names if name.startswith("Qt") and name not in QT_MODULES_USED)


def hidden_imports() -> list[str]:
    return [*HIDDEN_IMPORTS, *KEYRING_BACKENDS.get(system(), ())]


ICON_FONT = "materialdesignicons6-webfont"  # its .ttf and charmap .json; qtawesome's other fonts stay out


def wanted(destination: str) -> bool:
    """Whether a collected file (its path inside the bundle) belongs in the app."""
    parts = Path(destination).parts
    name = parts[-1]
    if len(parts) == 1 and name in HOST_LIBRARIES and system() == "linux":
        return False
    if "__pycache__" in parts or name.endswith((".ts", ".pyi", ".pyc")):
        return False  # translation sources, type stubs
    if "translations" in parts and name.endswith(".qm") and "PySide6" in parts:
        return any(name.endswith(f"_{language}.qm") for language in LANGUAGES)
    if "plugins" in parts and "PySide6" in parts:
        plugin = name.split(".")[0].removeprefix("lib")
        return not any(folder in parts for folder in UNUSED_QT_PLUGINS) and plugin not in UNUSED_QT_PLUGIN_FILES
    if "qtawesome" in parts and "fonts" in parts:
        return name.startswith(ICON_FONT)  # gui/icons.py draws with this one font only
    return True


def libraries_only_for(left_out: list[str], kept: list[str]) -> set[str]:
    """The file names of the shared libraries that only left-out binaries (paths) need: the GTK stack of the GTK theme
    plugin, QtNetwork of the VNC one... The build collected them with those plugins."""
    from PyInstaller.depend.bindepend import get_imports

    def needed(paths: list[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(paths)
        while todo:
            for _, found in get_imports(todo.pop()):
                if found and Path(found).name not in seen:
                    seen.add(Path(found).name)
                    todo.append(found)
        return seen

    candidates = needed(left_out)
    roots = [path for path in kept if Path(path).name not in candidates]
    return candidates - needed(roots) - {Path(path).name for path in roots}


def problems(modules: set[str], data_folder: Path) -> list[str]:
    """What is wrong with a built bundle: a forbidden package inside, a required module or file missing."""
    found = [f"bundled by accident: {name}" for name in NEVER_BUNDLED
             if name in modules or any(module.startswith(f"{name}.") for module in modules)]
    found += [f"missing module: {name}" for name in (*REQUIRED_MODULES, *KEYRING_BACKENDS.get(system(), ())[:1])
              if name not in modules]
    found += [f"missing file: {name}" for name in REQUIRED_DATA if not (data_folder / name).is_file()]
    if not any((data_folder / "PySide6").rglob("qtbase_zh_CN.qm")):  # PySide6/Qt/translations, or without Qt/
        found.append("missing file: Qt's own Chinese translation (qtbase_zh_CN.qm)")
    return found
