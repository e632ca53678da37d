#!/usr/bin/env python3
"""Set up the project's virtual environment at .venv/, then run the app or the tests.

    python3 installers/bootstrap.py run  [ARGS...]   # install, then `python main.py ARGS...`
    python3 installers/bootstrap.py test [ARGS...]   # install test tools, then `pytest ARGS...`

The first run creates .venv/ and installs the project with pip. Later runs compare a stamp
(hash of pyproject.toml, this script and the Python version) and skip pip entirely, so they
start in well under a second.

PyTorch is installed before the project, once: without this step pip would resolve a plain
`torch` requirement to a multi-GB CUDA build on machines that have no GPU. The default pin
(TORCH_DEFAULT) works on CPU-only machines and on CUDA machines alike; set AUDIOSTORY_TORCH to
another requirement (for example "torch==2.5.1") and AUDIOSTORY_TORCH_INDEX to an index URL
(for example https://download.pytorch.org/whl/cu124) to choose your own build. A torch that
is already installed in .venv/ is never replaced.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".audiostory-install.json"
TORCH_DEFAULT = "torch==2.13.0"
# `test` pulls in `ai` and `llm` too (naming them lets a test set-up serve `run` as well) and
# `build`, so CI builds the desktop app in the same environment
EXTRAS_BY_MODE = {"run": {"ai"}, "test": {"test", "ai", "llm", "build"}}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS_BY_MODE:
        return fail("usage: python3 installers/bootstrap.py run|test [ARGS...]")
    mode, rest = argv[0], argv[1:]
    python = ensure_venv()
    ensure_installed(python, EXTRAS_BY_MODE[mode])
    if mode == "run":
        command = [str(python), str(ROOT / "main.py"), *rest]
    else:
        os.chdir(ROOT)
        command = [str(python), "-m", "pytest", *rest]
    sys.stdout.flush()
    os.execv(command[0], command)


def fail(message: str) -> int:
    print(f"bootstrap: {message}", file=sys.stderr)
    return 2


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> Path:
    python = venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv/ ...", file=sys.stderr)
        try:
            venv.create(VENV, with_pip=True, clear=True)
        except Exception as exc:  # ensurepip missing on some Linux distributions
            raise SystemExit(
                f"bootstrap: could not create .venv/ ({exc}). "
                "Install your distribution's python3-venv package and run this again."
            ) from None
    return python


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update((ROOT / "pyproject.toml").read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(sys.version.encode())
    digest.update(os.environ.get("AUDIOSTORY_TORCH", "").encode())
    return digest.hexdigest()


def read_stamp() -> dict:
    try:
        return json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return {}


def ensure_installed(python: Path, extras: set[str]) -> None:
    fingerprint = install_fingerprint()
    stamp = read_stamp()
    if stamp.get("fingerprint") == fingerprint and extras <= set(stamp.get("extras", [])):
        return
    if stamp.get("fingerprint") == fingerprint:
        extras = extras | set(stamp.get("extras", []))
    print("Installing dependencies into .venv/ (first run only) ...", file=sys.stderr)
    if not has_module(python, "torch"):  # a core dependency: pick its build first
        install_torch(python)
    target = f"{ROOT}[{','.join(sorted(extras))}]" if extras else str(ROOT)
    pip(python, "install", "-e", target)
    STAMP.write_text(json.dumps({"fingerprint": fingerprint, "extras": sorted(extras)}))


def has_module(python: Path, module: str) -> bool:
    probe = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    return subprocess.run([str(python), "-c", probe]).returncode == 0


def install_torch(python: Path) -> None:
    requirement = os.environ.get("AUDIOSTORY_TORCH", TORCH_DEFAULT)
    index = os.environ.get("AUDIOSTORY_TORCH_INDEX")
    pip(python, "install", requirement, *(["--index-url", index] if index else []))


def pip(python: Path, *args: str) -> None:
    command = [str(python), "-m", "pip", "--disable-pip-version-check", "-q", *args]
    if subprocess.run(command).returncode != 0:
        raise SystemExit(f"bootstrap: `{' '.join(command[1:])}` failed; see pip's message above.")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
