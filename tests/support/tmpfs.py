"""Small real file systems for fault tests: a tmpfs of a few kilobytes fills up for real
(ENOSPC from the kernel, not a mock), and one remounted read-only refuses writes (EROFS)
even to root. Mounting needs root; without it the tests that need one are skipped."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of `size` (e.g. "64k") on `folder` for the block."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; run the fault tests as root")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        if _run("umount", str(folder)).returncode != 0:
            _run("umount", "-l", str(folder))


def remount_read_only(folder: Path) -> None:
    result = _run("mount", "-o", "remount,ro", str(folder))
    if result.returncode != 0:
        pytest.skip(f"cannot remount {folder} read-only ({result.stderr.strip()})")
