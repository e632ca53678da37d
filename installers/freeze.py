"""What goes into the frozen app, for installers/audiostory.spec (PyInstaller).

- Every module of `engine` and `app`: backends and commands are imported by name at run
  time, so PyInstaller cannot see them. Found by walking the source folders (nothing is
  imported, so the model backends' torch imports cost nothing here).
- The whole standard library (but Tk, IDLE and the test suite): the AI pack's libraries
  (torch, transformers, diffusers) import many modules the app itself never does, and the
  frozen app has only what it bundles.
- Not torch and the model libraries: that is the AI pack (engine/ai_pack.py), installed on
  demand. Nor Ray, the test tools or the build tools.
"""
from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

EXCLUDES = [
    # the AI pack
    "torch", "torchvision", "torchaudio", "torchsde", "trampoline", "triton", "diffusers",
    "transformers", "accelerate", "peft", "huggingface_hub", "sentence_transformers",
    "xgrammar", "gguf", "safetensors.torch", "sklearn", "sympy", "networkx", "yaml",
    # optional or development only
    "ray", "matplotlib", "pytest", "pytestqt", "_pytest", "jsonschema", "wavinfo", "IPython",
    "PyInstaller", "pandas", "pyarrow", "tkinter", "_tkinter", "idlelib", "turtledemo",
    "mypy", "mypyc", "ast_serialize", "PIL",  # pulled in by pydantic's mypy plugin, hooks
]
STDLIB_SKIPPED = {"test", "tkinter", "idlelib", "turtledemo", "lib2to3", "ensurepip", "turtle",
                  "__phello__", "this", "antigravity", "_tkinter", "xxlimited", "xxlimited_35"}
# the AI pack's packages that torch or its build decide: never pinned to the build's versions
UNPINNED = {"torch", "triton", "sympy", "mpmath", "networkx", "filelock", "fsspec", "jinja2",
            "markupsafe", "setuptools", "audiostory-studio", "pyinstaller",
            "pyinstaller-hooks-contrib", "altgraph", "pip"}


def project_modules(root: Path, packages: tuple[str, ...] = ("engine", "app")) -> list[str]:
    names = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names.append(".".join(parts))
    return names


def stdlib_modules() -> list[str]:
    """Every importable module of the standard library, by walking its folder."""
    names = set()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in stdlib.rglob("*.py"):
        relative = path.relative_to(stdlib)
        if relative.parts[0] in ("site-packages", "dist-packages") or "-" in relative.parts[0]:
            continue
        parts = relative.with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not parts or parts[0] in STDLIB_SKIPPED or any(p in ("test", "tests") for p in parts):
            continue
        if any(not p.isidentifier() for p in parts):
            continue
        names.add(".".join(parts))
    names.update(name for name in sys.builtin_module_names if name not in STDLIB_SKIPPED)
    dynload = Path(sysconfig.get_paths()["platstdlib"]) / "lib-dynload"
    if dynload.is_dir():
        for path in dynload.iterdir():
            name = path.name.split(".")[0]
            if name not in STDLIB_SKIPPED and not name.startswith(("_test", "_xx")):
                names.add(name)
    return sorted(n for n in names if n.split(".")[0] in sys.stdlib_module_names)


def constraints_text() -> str:
    """Pins of every distribution of the build's environment but torch and its own
    dependencies: the AI pack then resolves to the versions the build was tested with."""
    import importlib.metadata

    pins = {}
    for dist in importlib.metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if not name or name in UNPINNED or name.startswith("nvidia-"):
            continue
        pins[name] = dist.version
    header = ("# The versions AudioStory Studio was built with; the AI pack installs against "
              "them.\n")
    return header + "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))
