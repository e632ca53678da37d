"""The AI pack: PyTorch and the model libraries, installed on demand for the desktop build.

The frozen app leaves out torch, diffusers, transformers and the rest of the `ai` extra
(1 GB with a CPU torch, 5 GB with CUDA). `main.py models install-runtime`, or the button in
Preferences, installs them with pip into a folder of the user's data, one per Python
version (the frozen app's Python decides which wheels fit):

    Linux    ~/.local/share/AudioStory Studio/ai-pack/py3.11/
    macOS    ~/Library/Application Support/AudioStory Studio/ai-pack/py3.11/
    Windows  %LOCALAPPDATA%\\AudioStory Studio\\ai-pack\\py3.11\\

At start-up the frozen app appends that folder to `sys.path` (`activate`): what the app
bundles always wins, the pack only brings what the bundle lacks. The build ships a
constraints file pinning the versions it was built and tested with, so the pack matches the
bundle. An install goes to a temporary folder that replaces the old pack only when pip has
finished: a failed or cancelled install keeps the pack that was there.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from engine.errors import Cancelled, StudioError
from engine.locations import data_dir
from engine.progress import CancelToken, Progress, no_progress

PACK_DIR = "ai-pack"
PIP_ENTRY = "--ai-pack-pip"  # `audiostory-studio --ai-pack-pip ARGS`: the frozen app's own pip
CONSTRAINTS_FILE = "ai-pack-constraints.txt"  # written by installers/build.py into the bundle
TORCH_DEFAULT = "torch==2.13.0"  # the build installers/bootstrap.py installs too
DISTRIBUTION = "audiostory-studio"
CHECKED_MODULES = ("torch", "diffusers", "transformers", "accelerate", "peft",
                   "huggingface_hub")
_STEP = re.compile(r"^(Collecting|Downloading|Using cached|Processing|Obtaining)\b")


def frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def pack_dir() -> Path:
    return data_dir() / PACK_DIR / f"py{sys.version_info.major}.{sys.version_info.minor}"


def activate() -> Path | None:
    """Put the installed pack on sys.path (after everything else); its folder, or None."""
    folder = pack_dir()
    if not folder.is_dir():
        return None
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
        importlib.invalidate_caches()
    return folder


def requirements() -> list[str]:
    """What the pack installs: torch (`AUDIOSTORY_TORCH` picks another build) and the `ai`
    extra of this release, read from the package's own metadata."""
    wanted = [os.environ.get("AUDIOSTORY_TORCH", TORCH_DEFAULT)]
    try:
        declared = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        raise StudioError("this copy of AudioStory Studio has no package metadata, so the "
                          "AI pack's contents are unknown; reinstall the app.") from None
    for requirement in declared:
        name, _, marker = requirement.partition(";")
        if re.search(r"""extra\s*==\s*["']ai["']""", marker):
            wanted.append(name.strip())
    return wanted


def constraints() -> Path | None:
    """The bundle's pins (frozen app only): the versions the build was tested with."""
    base = Path(getattr(sys, "_MEIPASS", "")) if frozen() else None
    path = base / CONSTRAINTS_FILE if base else None
    return path if path is not None and path.is_file() else None


def pip_command() -> list[str]:
    if frozen():
        return [sys.executable, PIP_ENTRY]
    return [sys.executable, "-m", "pip"]


def run_pip(args: list[str]) -> int:
    """The frozen app's pip (it bundles pip for this): `--ai-pack-pip install …`."""
    from pip._internal.cli.main import main as pip_main

    return pip_main(args)


@dataclass(frozen=True)
class PackStatus:
    folder: Path
    installed: dict[str, str]  # distribution -> version, in the pack folder
    importable: dict[str, str | None]  # module -> version this process finds (None: missing)

    @property
    def present(self) -> bool:
        return bool(self.installed)

    def lines(self) -> list[str]:
        where = (f"AI pack: {len(self.installed)} packages in {self.folder}" if self.present
                 else f"AI pack: not installed (it would go in {self.folder})")
        found = ", ".join(f"{m} {v}" if v else f"{m} missing" for m, v in self.importable.items())
        return [where, f"this app finds: {found}"]

    def to_json(self) -> dict:
        return {"folder": str(self.folder), "installed": self.installed,
                "importable": self.importable, "frozen": frozen()}


def status(load_torch: bool = True) -> PackStatus:
    """What is installed, and what this process finds; `load_torch` imports torch to check
    that it loads (seconds: not for a GUI thread)."""
    folder = pack_dir()
    installed = {}
    if folder.is_dir():
        for dist in importlib.metadata.distributions(path=[str(folder)]):
            installed[dist.metadata["Name"]] = dist.version
    importable = {module: _version_of(module) for module in CHECKED_MODULES}
    if importable["torch"] is not None and load_torch:
        importable["torch"] = _torch_version()
    return PackStatus(folder, dict(sorted(installed.items(), key=lambda kv: kv[0].lower())),
                      importable)


def _torch_version() -> str | None:
    """Import torch for real (a pack that is there but cannot load is no use), and say
    which accelerator it sees."""
    try:
        import torch
    except Exception as exc:  # a broken install: say so rather than fail the status
        return f"present but does not load ({type(exc).__name__}: {exc})"
    device = ("CUDA" if torch.cuda.is_available() else
              "MPS" if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()
              else "CPU only")
    return f"{torch.__version__} ({device})"


def _version_of(module: str) -> str | None:
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except (ImportError, ValueError):
        return None
    try:
        return importlib.metadata.version(module.replace("_", "-"))
    except importlib.metadata.PackageNotFoundError:
        return "present"


def install(wanted: list[str] | None = None, pip_options: tuple[str, ...] = (),
            progress: Progress = no_progress, cancel: CancelToken | None = None) -> PackStatus:
    """pip-install the pack into a fresh folder, then put it in place of the old one."""
    wanted = wanted or requirements()
    target = pack_dir()
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    command = [*pip_command(), "install", "--target", str(staging), "--only-binary=:all:",
               "--no-warn-script-location", "--disable-pip-version-check",
               "--progress-bar", "off"]
    pins = constraints()
    if pins is not None:
        command += ["--constraint", str(pins)]
    index = os.environ.get("AUDIOSTORY_TORCH_INDEX")
    if index:
        command += ["--extra-index-url", index]
    command += [*pip_options, *wanted]
    progress(0.0, f"installing the AI pack ({', '.join(wanted)})")
    try:
        _run(command, progress, cancel)
        _replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress(1.0, f"AI pack installed in {target}")
    if frozen():
        activate()
    return status()


def _run(command: list[str], progress: Progress, cancel: CancelToken | None) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PIP_NO_INPUT": "1"}
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, bufsize=1, env=env)
    except OSError as exc:
        raise StudioError(f"cannot start pip ({exc.strerror or exc}).") from None
    steps = 0
    last_lines: list[str] = []
    try:
        for raw in process.stdout or ():
            if cancel is not None and cancel.cancelled:
                raise Cancelled("cancelled")
            line = raw.strip()
            if not line:
                continue
            last_lines = [*last_lines[-5:], line]
            if _STEP.match(line):
                steps += 1
                progress(0.85 * (1 - 0.93 ** steps), line)
            elif line.startswith("Installing collected packages"):
                progress(0.9, "unpacking the packages (this takes a while for torch)")
    except BaseException:
        process.kill()
        process.wait()
        raise
    if process.wait() != 0:
        reason = next((line for line in reversed(last_lines) if "ERROR" in line),
                      last_lines[-1] if last_lines else f"exit code {process.returncode}")
        raise StudioError(f"installing the AI pack failed: {reason.removeprefix('ERROR: ')}; "
                          "the previous AI pack, if any, is kept.")


def _replace(staging: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
