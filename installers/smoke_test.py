#!/usr/bin/env python3
"""Smoke test of the built desktop app, as a user gets it: no Python environment involved.

    python3 installers/smoke_test.py [--dist dist] [--ai-pack]

Unpacks the Linux tarball (or takes `dist/AudioStory Studio/` on other platforms) into a
temporary folder and runs the frozen binary there with a fresh HOME, no PYTHONPATH and no
virtual environment on the PATH:

- `--version` names the package version (pyproject.toml);
- `render "rain on a tin roof" --duration 5 -o out.wav` writes a 5 s stereo 48 kHz WAV;
- `screenshot` starts the editor offscreen with a rendered demo story and saves a PNG;
- `batch` renders two jobs in two worker processes of the frozen app and a rerun skips them;
- the desktop entry is valid (desktop-file-validate, where installed) and `install.sh` puts
  it, the icons and the command into the user's folders;
- with `--ai-pack`: `models install-runtime --requirement torch==2.13.0` installs PyTorch
  into the AI pack with the app's own pip, and the app then finds it (`models runtime`).

Ends with 'N passed, N failed' and exits 1 if anything failed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "AudioStory Studio"
BINARY = "audiostory-studio.exe" if sys.platform == "win32" else "audiostory-studio"
AI_PACK_TORCH = "torch==2.13.0"


class Smoke:
    def __init__(self, app: Path, home: Path) -> None:
        self.app = app
        self.home = home
        self.work = home / "work"
        self.work.mkdir(parents=True)
        self.passed: list[str] = []
        self.failed: list[str] = []

    def env(self) -> dict[str, str]:
        """A user's environment: a fresh HOME, no Python of ours anywhere."""
        keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "PIP_FIND_LINKS",
                "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL", "PIP_CERT", "PIP_DEFAULT_TIMEOUT")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env["PATH"] = os.pathsep.join(
            p for p in env.get("PATH", "").split(os.pathsep)
            if p and not (Path(p) / "activate").exists() and ".venv" not in p)
        env.update(HOME=str(self.home), USERPROFILE=str(self.home),
                   XDG_DATA_HOME=str(self.home / ".local/share"),
                   XDG_CONFIG_HOME=str(self.home / ".config"),
                   XDG_CACHE_HOME=str(self.home / ".cache"),
                   XDG_STATE_HOME=str(self.home / ".local/state"),
                   QT_QPA_PLATFORM="offscreen")
        return env

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        started = time.monotonic()
        result = subprocess.run([str(self.app / BINARY), *args], cwd=self.work,
                                env=self.env(), capture_output=True, text=True,
                                timeout=timeout)
        print(f"  $ {BINARY} {' '.join(args)}  -> exit {result.returncode} "
              f"({time.monotonic() - started:.1f} s)", flush=True)
        return result

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        (self.passed if ok else self.failed).append(name)
        print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""),
              flush=True)
        return ok


def package_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def unpack(dist: Path, into: Path) -> Path:
    tarballs = sorted(dist.glob("AudioStory-Studio-*-linux-*.tar.gz"))
    if sys.platform.startswith("linux") and tarballs:
        with tarfile.open(tarballs[-1]) as tar:
            tar.extractall(into, filter="tar")
        print(f"unpacked {tarballs[-1].name} into {into}")
        return into / APP
    folder = dist / APP
    if not folder.is_dir():
        raise SystemExit(f"smoke test: no {folder} and no tarball; run installers/build.py")
    shutil.copytree(folder, into / APP, symlinks=True)
    return into / APP


def check_version(smoke: Smoke) -> None:
    result = smoke.run("--version")
    expected = f"AudioStory Studio {package_version()}"
    smoke.check("--version matches pyproject.toml", result.returncode == 0
                and result.stdout.strip() == expected, f"{result.stdout!r} != {expected!r}")


def check_render(smoke: Smoke) -> None:
    out = smoke.work / "out.wav"
    result = smoke.run("render", "rain on a tin roof", "--duration", "5", "-o", str(out))
    if not smoke.check("render writes a WAV", result.returncode == 0 and out.is_file(),
                       result.stderr[-2000:]):
        return
    shape = wav_shape(out)
    smoke.check("the WAV is 5 s stereo 48 kHz", shape == (48_000, 2, 240_000), str(shape))


def wav_shape(path: Path) -> tuple[int, int, int] | None:
    """(rate, channels, frames) from a WAV file's chunks (PCM or extensible headers)."""
    data = path.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    position, fmt, frames = 12, None, None
    while position + 8 <= len(data):
        chunk, size = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        body = data[position + 8:position + 8 + size]
        if chunk == b"fmt ":
            channels, rate = struct.unpack("<HI", body[2:8])
            block_align = struct.unpack("<H", body[12:14])[0]
            fmt = (rate, channels, block_align)
        elif chunk == b"data" and fmt is not None:
            frames = size // fmt[2]
        position += 8 + size + (size & 1)
    return (fmt[0], fmt[1], frames) if fmt and frames is not None else None


def check_screenshot(smoke: Smoke) -> None:
    shot = smoke.work / "editor.png"
    result = smoke.run("screenshot", str(shot), "--size", "1024x640")
    ok = result.returncode == 0 and shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if ok:
        width, height = struct.unpack(">II", shot.read_bytes()[16:24])
        ok = width >= 1024 and height == 640  # the window may be wider than asked: its minimum
    smoke.check("the editor starts offscreen and saves a screenshot", ok, result.stderr[-2000:])


def check_batch(smoke: Smoke) -> None:
    jobs = smoke.work / "jobs.jsonl"
    jobs.write_text(json.dumps({"name": "rain", "prompt": "rain on a tin roof",
                                "duration_s": 3}) + "\n"
                    + json.dumps({"name": "bell", "prompt": "a bell rings twice",
                                  "duration_s": 3}) + "\n")
    out = smoke.work / "batch"
    first = smoke.run("batch", str(jobs), "--out", str(out), "--workers", "2")
    smoke.check("batch renders in worker processes of the frozen app",
                first.returncode == 0 and (out / "rain" / "rain.wav").is_file()
                and (out / "bell" / "bell.wav").is_file(), first.stderr[-2000:])
    again = smoke.run("batch", str(jobs), "--out", str(out), "--workers", "2")
    smoke.check("a batch rerun skips finished jobs",
                again.returncode == 0 and "2 skipped" in again.stdout, again.stdout[-500:])


def check_desktop_entry(smoke: Smoke) -> None:
    entry = smoke.app / "audiostory-studio.desktop"
    if not sys.platform.startswith("linux"):
        return
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        smoke.check("the desktop entry is valid", result.returncode == 0 and not result.stdout,
                    result.stdout + result.stderr)
    else:
        print("note: desktop-file-validate not installed; the entry is checked by install.sh only")
    result = subprocess.run(["sh", str(smoke.app / "install.sh")], env=smoke.env(),
                            capture_output=True, text=True)
    installed = smoke.home / ".local/share/applications/audiostory-studio.desktop"
    icon = smoke.home / ".local/share/icons/hicolor/256x256/apps/audiostory-studio.png"
    command = smoke.home / ".local/bin/audiostory-studio"
    exec_line = next((line for line in installed.read_text().splitlines()
                      if line.startswith("Exec=")), "") if installed.exists() else ""
    smoke.check("install.sh adds the menu entry, icons and command",
                result.returncode == 0 and icon.is_file() and command.exists()
                and exec_line == f'Exec="{smoke.app / BINARY}" %f', result.stderr + exec_line)
    if validator and installed.exists():
        checked = subprocess.run([validator, str(installed)], capture_output=True, text=True)
        smoke.check("the installed desktop entry is valid", checked.returncode == 0
                    and not checked.stdout, checked.stdout + checked.stderr)
    version = subprocess.run([str(command), "--version"], env=smoke.env(), capture_output=True,
                             text=True)
    smoke.check("the installed command runs", version.returncode == 0, version.stderr)


def check_ai_pack(smoke: Smoke) -> None:
    before = smoke.run("models", "runtime", "--json")
    status = json.loads(before.stdout) if before.returncode == 0 else {}
    smoke.check("without the AI pack the frozen app has no torch",
                status.get("frozen") is True and status.get("importable", {}).get("torch") is None,
                before.stdout + before.stderr)
    model = smoke.run("render", "rain", "--duration", "2", "-o", str(smoke.work / "m.wav"),
                      "--generator", "tangoflux")
    smoke.check("a model generator without the AI pack says what to install",
                model.returncode != 0 and "install-runtime" in model.stderr
                and "Traceback" not in model.stderr, model.stderr[-1500:])
    install = smoke.run("models", "install-runtime", "--requirement", AI_PACK_TORCH,
                        timeout=1800)
    smoke.check("models install-runtime installs torch with the app's own pip",
                install.returncode == 0 and "[" in install.stderr, install.stderr[-2000:])
    after = smoke.run("models", "runtime", "--json")
    status = json.loads(after.stdout) if after.returncode == 0 else {}
    torch_version = status.get("importable", {}).get("torch") or ""
    smoke.check("the frozen app finds torch in the AI pack",
                torch_version.startswith(AI_PACK_TORCH.split("==")[1]), after.stdout[-1500:])
    probe = smoke.run("models", "runtime")
    smoke.check("models runtime names the pack folder", probe.returncode == 0
                and re.search(r"AI pack: \d+ packages in ", probe.stdout) is not None,
                probe.stdout)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--ai-pack", action="store_true",
                        help="also install torch into the AI pack and check the app finds it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    temp = Path(tempfile.mkdtemp(prefix="audiostory-smoke-"))
    try:
        app = unpack(args.dist, temp / "apps")
        smoke = Smoke(app, temp / "home")
        check_version(smoke)
        check_render(smoke)
        check_screenshot(smoke)
        check_batch(smoke)
        check_desktop_entry(smoke)
        if args.ai_pack:
            check_ai_pack(smoke)
    finally:
        if args.keep:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    print(f"{len(smoke.passed)} passed, {len(smoke.failed)} failed")
    return 1 if smoke.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
