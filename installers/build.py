#!/usr/bin/env python3
"""Build the desktop app: `dist/AudioStory Studio/` (PyInstaller, onedir) and its package.

    python3 installers/build.py              # build and package for this platform
    python3 installers/build.py --no-package # only dist/AudioStory Studio/
    python3 installers/build.py --clean      # forget PyInstaller's cache first

Needs only Python 3.11+: the build runs in the project's .venv/ (set up by bootstrap.py with
the `build` extra on the first run). What comes out needs no Python at all:

- Linux: `dist/AudioStory-Studio-VERSION-linux-ARCH.tar.gz` (the folder with its desktop
  entry and `install.sh`, which adds it to the user's applications menu), and an AppImage
  too where `appimagetool` is on the PATH.
- Windows: the folder, and `dist/AudioStory-Studio-VERSION-setup.exe` where Inno Setup's
  `iscc` is on the PATH (installers/windows/audiostory.iss).
- macOS: `dist/AudioStory Studio.app`, and a `.dmg` made with `hdiutil`.

Torch and the model libraries are left out; the app installs them on demand as the AI pack
(`audiostory-studio models install-runtime`, or Preferences). PyInstaller keeps its analysis
in build/pyinstaller/ and reuses what has not changed, so a second build is quicker; a
fresh clone has no such cache and builds everything.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DIST = ROOT / "dist"
WORK = ROOT / "build"
APP = "AudioStory Studio"
SPEC = HERE / "audiostory.spec"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Build the AudioStory Studio desktop app.")
    parser.add_argument("--no-package", action="store_true",
                        help="stop after dist/AudioStory Studio/ (no tarball or installer)")
    parser.add_argument("--clean", action="store_true", help="rebuild from scratch")
    args = parser.parse_args(argv)
    if not _in_project_venv():
        return _rerun_in_venv(argv)
    started = time.monotonic()
    version = _version()
    if args.clean:
        shutil.rmtree(WORK / "pyinstaller", ignore_errors=True)
    write_constraints()
    folder = freeze()
    add_linux_files(folder)
    print(f"built {folder} ({_size_mb(folder):.0f} MB) in {time.monotonic() - started:.0f} s")
    if not args.no_package:
        for package in make_packages(folder, version):
            print(f"packaged {package} ({package.stat().st_size / 2**20:.0f} MB)"
                  if package.is_file() else f"packaged {package}")
    return 0


def _in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()


def _rerun_in_venv(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    import bootstrap

    python = bootstrap.ensure_venv()
    bootstrap.ensure_installed(python, {"build"})
    return subprocess.run([str(python), str(Path(__file__).resolve()), *argv]).returncode


def _version() -> str:
    sys.path.insert(0, str(ROOT))
    from engine import __version__

    return __version__


def write_constraints() -> Path:
    sys.path.insert(0, str(HERE))
    from freeze import constraints_text

    path = WORK / "ai-pack-constraints.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(constraints_text())
    return path


def freeze() -> Path:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK / "pyinstaller"), str(SPEC)]
    print("freezing the app with PyInstaller (a few minutes) ...", flush=True)
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise SystemExit("build: PyInstaller failed; see its messages above.")
    return DIST / APP


def add_linux_files(folder: Path) -> None:
    if not sys.platform.startswith("linux"):
        return
    for name in ("audiostory-studio.desktop", "install.sh"):
        shutil.copy2(HERE / "linux" / name, folder / name)
    (folder / "README.txt").write_text(
        "AudioStory Studio\n\n"
        "  ./audiostory-studio            open the editor\n"
        "  ./audiostory-studio --help     the headless commands (render, batch, ...)\n"
        "  ./install.sh                   add it to your applications menu\n"
        "  ./audiostory-studio models install-runtime   the AI pack (torch, model backends)\n")


def make_packages(folder: Path, version: str) -> list[Path]:
    if sys.platform.startswith("linux"):
        made = [linux_tarball(folder, version)]
        appimage = linux_appimage(folder, version)
        return made + ([appimage] if appimage else [])
    if sys.platform == "win32":
        return [p for p in [windows_installer(version)] if p]
    if sys.platform == "darwin":
        return [p for p in [macos_dmg(version)] if p]
    return []


def _arch() -> str:
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(),
                                                       platform.machine().lower())


def linux_tarball(folder: Path, version: str) -> Path:
    target = DIST / f"AudioStory-Studio-{version}-linux-{_arch()}.tar.gz"
    temp = target.with_name(target.name + ".partial")
    print(f"packing {target.name} ...", flush=True)
    with tarfile.open(temp, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=folder.name)
    os.replace(temp, target)
    return target


def linux_appimage(folder: Path, version: str) -> Path | None:
    tool = shutil.which("appimagetool")
    if tool is None:
        print("no appimagetool on the PATH: AppImage skipped (the tarball has everything)")
        return None
    appdir = WORK / "AppDir"
    shutil.rmtree(appdir, ignore_errors=True)
    shutil.copytree(folder, appdir / "usr" / "lib" / "audiostory-studio", symlinks=True)
    shutil.copy2(HERE / "linux" / "audiostory-studio.desktop", appdir)
    shutil.copy2(ROOT / "resources" / "icons" / "audiostory-256.png",
                 appdir / "audiostory-studio.png")
    run = appdir / "AppRun"
    run.write_text('#!/bin/sh\nexec "$(dirname "$(readlink -f "$0")")/usr/lib/'
                   'audiostory-studio/audiostory-studio" "$@"\n')
    run.chmod(0o755)
    target = DIST / f"AudioStory-Studio-{version}-{_arch()}.AppImage"
    env = {**os.environ, "ARCH": _arch(), "VERSION": version}
    if subprocess.run([tool, str(appdir), str(target)], env=env).returncode != 0:
        raise SystemExit("build: appimagetool failed; see its messages above.")
    return target


def windows_installer(version: str) -> Path | None:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc is None:
        print("no Inno Setup (iscc) on the PATH: installer skipped; the folder "
              f"dist/{APP}/ runs as it is")
        return None
    script = HERE / "windows" / "audiostory.iss"
    command = [iscc, f"/DAppVersion={version}", f"/DSourceDir={DIST / APP}",
               f"/DOutputDir={DIST}", f"/DIconFile={ROOT / 'resources' / 'icons' / 'audiostory.ico'}",
               str(script)]
    if subprocess.run(command).returncode != 0:
        raise SystemExit("build: Inno Setup failed; see its messages above.")
    return DIST / f"AudioStory-Studio-{version}-setup.exe"


def macos_dmg(version: str) -> Path | None:
    bundle = DIST / f"{APP}.app"
    if shutil.which("hdiutil") is None or not bundle.is_dir():
        return None
    target = DIST / f"AudioStory-Studio-{version}-macos-{_arch()}.dmg"
    target.unlink(missing_ok=True)
    command = ["hdiutil", "create", "-volname", APP, "-srcfolder", str(bundle), "-ov",
               "-format", "UDZO", str(target)]
    if subprocess.run(command).returncode != 0:
        raise SystemExit("build: hdiutil failed; see its messages above.")
    return target


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink()) / 2**20


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
